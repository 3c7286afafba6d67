package engine

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// Risk model constants; see assessRisk for how they combine.
const (
	// growthSaturation is the relative change per period at which the trend
	// term is at its maximum: 10% a period is already a steep trend.
	growthSaturation = 0.10
	// headroomFloor and overshootCeiling are the peak position relative to
	// capacity where the level term starts (30% headroom) and saturates
	// (20% above capacity).
	headroomFloor, overshootCeiling = -0.30, 0.20
	// widthSaturation is the mean interval width, relative to the value, at
	// which the uncertainty term is at its maximum.
	widthSaturation = 0.5
)

// Risk score bands: a score below the first bound is Low, below the second
// Moderate, below the third High, otherwise Critical.
var riskBands = [...]int{25, 50, 75}

// riskAssessment is the outcome of assessRisk.
type riskAssessment struct {
	level RiskLevel
	score int
}

// assessRisk scores the predictions from 0 to 100 and grades the score.
//
// Let y be the last history value, v, l, u a prediction's value and bounds,
// H the horizon, and g the relative trend: the least-squares slope through
// (0, y), (1, v₁), …, (H, v_H), divided by |y| (by the mean |v| when y is 0).
//
// With a capacity C (scale c = |C|, or max(|y|, 1) when C is 0) the score is
// the sum of
//
//	level        60 · clamp((r + 0.3) / 0.5)   r = max(v - C) / c, the peak
//	                                              overshoot: 0 at 30% headroom,
//	                                              36 at capacity, 60 at +20%
//	persistence  20 · (periods with v > C) / H
//	exposure     10 · (periods with u > C ≥ v) / H
//	trend        10 · clamp(g / 0.1)            rising only: falling load moves
//	                                              away from capacity
//
// Without a capacity it is the sum of
//
//	trend        70 · clamp(|g| / 0.1)          a steep fall is a disruption too
//	uncertainty  30 · clamp(w / 0.5)            w = mean of min((u - l) / |v|, 0.5)
//
// where clamp limits to [0, 1]. For example, C = 100, y = 90, values 92, 95,
// 98, 101, 104, 107, each upper 5 above its value: r = 0.07 gives 44.4;
// three periods over gives 10; one period (98, upper 103) exposed gives 1.7;
// the slope 2.89 gives g = 0.032 and 3.2; the score is 59, High.
//
// The score maps to a level by riskBands. The provider's own word is a hint:
// when it differs, the level moves one step towards it, never more, and the
// score is moved to the nearest score of the new level's band so score and
// level always agree.
func assessRisk(d Data, history []float64, preds []Prediction, hint RiskLevel, hinted bool) riskAssessment {
	last := history[len(history)-1]
	g := relativeTrend(last, preds)
	var score float64
	if d.Capacity != nil {
		score = capacityScore(*d.Capacity, last, g, preds)
	} else {
		score = 70*clamp01(math.Abs(g)/growthSaturation) + 30*clamp01(meanRelativeWidth(preds, widthSaturation)/widthSaturation)
	}
	a := riskAssessment{score: int(math.Round(min(max(score, 0), 100)))}
	a.level = levelForScore(a.score)
	if hinted && hint != a.level {
		step := 1
		if hint.rank() < a.level.rank() {
			step = -1
		}
		a.level = riskLevels[a.level.rank()+step]
		a.score = clampToBand(a.score, a.level)
	}
	return a
}

func capacityScore(capacity, last, g float64, preds []Prediction) float64 {
	scale := capacityScale(capacity, last)
	peak := math.Inf(-1)
	over, exposed := 0, 0
	for _, p := range preds {
		peak = max(peak, (p.Value-capacity)/scale)
		switch {
		case p.Value > capacity:
			over++
		case p.Upper > capacity:
			exposed++
		}
	}
	h := float64(len(preds))
	return 60*clamp01((peak-headroomFloor)/(overshootCeiling-headroomFloor)) +
		20*float64(over)/h +
		10*float64(exposed)/h +
		10*clamp01(g/growthSaturation)
}

// capacityScale is what overshoot is measured relative to.
func capacityScale(capacity, last float64) float64 {
	if capacity != 0 {
		return math.Abs(capacity)
	}
	return max(math.Abs(last), 1)
}

// relativeTrend is the slope of the predictions, anchored at the last
// history value, per period and relative to that value.
func relativeTrend(last float64, preds []Prediction) float64 {
	xs := make([]float64, len(preds)+1)
	ys := make([]float64, len(preds)+1)
	ys[0] = last
	var meanAbs float64
	for i, p := range preds {
		xs[i+1], ys[i+1] = float64(i+1), p.Value
		meanAbs += math.Abs(p.Value) / float64(len(preds))
	}
	_, slope := stat.LinearRegression(xs, ys, nil, false)
	ref := math.Abs(last)
	if ref == 0 {
		ref = meanAbs
	}
	if ref == 0 || !finite(slope/ref) {
		return 0
	}
	return slope / ref
}

// meanRelativeWidth is the mean interval width relative to the value, each
// term capped at limit; a non-zero width around a zero value counts as the
// limit (fully uncertain).
func meanRelativeWidth(preds []Prediction, limit float64) float64 {
	var sum float64
	for _, p := range preds {
		width := p.Upper - p.Lower
		switch {
		case width == 0:
		case p.Value == 0:
			sum += limit
		default:
			sum += min(width/math.Abs(p.Value), limit)
		}
	}
	return sum / float64(len(preds))
}

func levelForScore(score int) RiskLevel {
	for i, bound := range riskBands {
		if score < bound {
			return riskLevels[i]
		}
	}
	return RiskCritical
}

// clampToBand moves score into the band of level.
func clampToBand(score int, level RiskLevel) int {
	lo, hi := 0, 100
	if r := level.rank(); r > 0 {
		lo = riskBands[r-1]
	}
	if r := level.rank(); r < len(riskBands) {
		hi = riskBands[r] - 1
	}
	return min(max(score, lo), hi)
}

func clamp01(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return min(max(x, 0), 1)
}
