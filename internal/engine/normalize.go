package engine

import (
	"fmt"

	"github.com/bottleneck-io/bottleneck-operator/internal/baseline"
)

// Normalize turns a provider's raw answer into a Result, or returns *Error.
//
// The steps, each refusing with its own reason: validate the request
// (ReasonInvalidInput), extract the JSON (ReasonNoJSON, ReasonTruncated),
// read it leniently (ReasonSchemaViolation), align and repair the
// predictions against the baseline model, raising a count's negative numbers
// to zero (ReasonTooFewPredictions, ReasonInvalidNumber,
// ReasonSchemaViolation), then compute risk, bottlenecks and confidence,
// which cannot fail. The result is either complete and valid or not returned
// at all: on error the Result is the zero value.
func Normalize(raw string, d Data) (Result, error) {
	if err := d.Validate(); err != nil {
		return Result{}, err
	}
	obj, err := extractJSON(raw)
	if err != nil {
		return Result{}, err
	}
	ans, err := decodeAnswer(obj)
	if err != nil {
		return Result{}, err
	}
	periods := d.Periods()
	history := d.values()
	base := baselineForecast(history, d.SeasonLength(), len(periods))
	preds, err := buildPredictions(ans.predictions, d.Period, periods, base, d.isCount())
	if err != nil {
		return Result{}, err
	}
	hint, hinted := parseRiskLevel(ans.riskLevel)
	risk := assessRisk(d, history, preds, hint, hinted)
	r := Result{
		Summary:     cleanText(ans.summary, MaxSummary),
		RiskLevel:   risk.level,
		RiskScore:   risk.score,
		Confidence:  assessConfidence(ans.confidence, d, history, preds, base),
		Predictions: preds,
		Bottlenecks: buildBottlenecks(ans.bottlenecks, d, preds),
	}
	if r.Summary == "" {
		r.Summary = cleanText(describe(d, r), MaxSummary)
	}
	return r, nil
}

// baselineForecast is the baseline's forecast for the requested periods, or
// nil when the history cannot be fitted (Validate has already refused such
// data, so nil is a safeguard). It is the same forecast the baseline
// provider makes, so an answer is judged against the season and trend the
// data shows.
func baselineForecast(history []float64, season, horizon int) []baseline.Point {
	m, err := baseline.Fit(history, season)
	if err != nil {
		return nil
	}
	return m.Forecast(horizon, baseline.DefaultCoverage)
}

// describe writes a summary for an answer that has none.
func describe(d Data, r Result) string {
	subject := d.Subject
	if subject == "" {
		subject = "the series"
	}
	first, last := r.Predictions[0], r.Predictions[len(r.Predictions)-1]
	s := fmt.Sprintf("%s risk (score %d) for %s in %s: forecast %s in %s and %s in %s",
		r.RiskLevel, r.RiskScore, subject, d.Region,
		withUnit(first.Value, d.Unit), first.Period, withUnit(last.Value, d.Unit), last.Period)
	if d.Capacity != nil {
		over := 0
		for _, p := range r.Predictions {
			if p.Value > *d.Capacity {
				over++
			}
		}
		s += fmt.Sprintf(", above capacity %s in %d of %d periods", withUnit(*d.Capacity, d.Unit), over, len(r.Predictions))
	}
	return s + "."
}
