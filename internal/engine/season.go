package engine

// SeasonLength is how many periods of the data's kind make one cycle of
// the calendar, the season the baseline looks for: 12 months, 4 quarters,
// 52 weeks, 7 days; 1 for years, which have none.
func (d Data) SeasonLength() int {
	switch d.Period {
	case PeriodDay:
		return 7
	case PeriodWeek:
		return 52
	case PeriodQuarter:
		return 4
	case PeriodYear:
		return 1
	default: // month, and "" (the API's default)
		return 12
	}
}
