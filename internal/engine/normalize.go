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
// predictions against the baseline model (ReasonTooFewPredictions,
// ReasonInvalidNumber, ReasonSchemaViolation), check them against the
// history (ReasonImplausibleOutput), raise a count's remaining negatives to
// zero, check that the text fields are text and the risk word is one
// (ReasonSchemaViolation), then compute risk, bottlenecks and confidence,
// which cannot fail. The numbers are checked before the texts because they
// are the result, so a message names what matters most. The result is
// either complete and valid or not returned at all: on error the Result is
// the zero value.
func Normalize(raw string, d Data) (Result, error) {
	if err := d.Validate(); err != nil {
		return Result{}, err
	}
	history := d.values()
	var base []baseline.Point
	a, err := check(raw, d, history, func(periods []string) []baseline.Point {
		base = baselineForecast(history, d.SeasonLength(), len(periods))
		return base
	})
	if err != nil {
		return Result{}, err
	}
	risk := assessRisk(d, history, a.preds, a.hint, a.hinted)
	r := Result{
		Summary:     cleanText(a.summary, MaxSummary),
		RiskLevel:   risk.level,
		RiskScore:   risk.score,
		Confidence:  assessConfidence(a.confidence, d, history, a.preds, base),
		Predictions: a.preds,
		Bottlenecks: buildBottlenecks(a.bottlenecks, d, a.preds),
	}
	if r.Summary == "" {
		r.Summary = cleanText(describe(d, r), MaxSummary)
	}
	return r, nil
}

// checked is an answer that passed every check of Normalize: its
// predictions, one per requested period, and the provider's risk word.
type checked struct {
	answer
	preds  []Prediction
	hint   RiskLevel
	hinted bool
}

// check runs the steps of Normalize that can refuse an answer for valid
// data d, in order. reference returns the baseline forecast for the
// periods, which fills in missing bounds; it is called once, after the
// answer has been read, so an answer with no JSON costs no fit.
func check(raw string, d Data, history []float64, reference func(periods []string) []baseline.Point) (checked, error) {
	obj, err := extractJSON(raw)
	if err != nil {
		return checked{}, err
	}
	ans, err := decodeAnswer(obj)
	if err != nil {
		return checked{}, err
	}
	periods := d.Periods()
	preds, err := buildPredictions(ans.predictions, d.Period, periods, reference(periods))
	if err != nil {
		return checked{}, err
	}
	count := d.isCount()
	if err := checkPlausible(preds, statsOf(history), count); err != nil {
		return checked{}, err
	}
	if count {
		floorCounts(preds)
	}
	if ans.invalidText != nil {
		return checked{}, ans.invalidText
	}
	hint, hinted, err := readRiskLevel(ans.riskLevel)
	if err != nil {
		return checked{}, err
	}
	return checked{answer: ans, preds: preds, hint: hint, hinted: hinted}, nil
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
