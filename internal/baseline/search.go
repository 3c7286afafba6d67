package baseline

import (
	"math"

	"gonum.org/v1/gonum/optimize"
)

// The coarse grid. Beta is placed as a share of its allowed range
// [betaMin, alpha] so every grid point satisfies beta ≤ alpha.
var (
	gridAlpha     = [...]float64{0.05, 0.15, 0.3, 0.5, 0.75, 0.95}
	gridBetaShare = [...]float64{0.05, 0.3, 0.7}
	gridPhi       = [...]float64{0.8, 0.9, 0.98}
)

// Nelder–Mead budget. Each evaluation through optimize.Minimize costs a few
// microseconds of coordination on top of the recursion itself, so the budget
// is what keeps a 500-point fit under half a millisecond. Starting from the
// best grid point it brings the SSE within about 0.05% of what a run of
// thousands of evaluations finds (measured on the test series).
const (
	refineEvaluations = 48
	refineStall       = 8   // major iterations without improvement before stopping
	refineSimplex     = 0.5 // initial simplex size in the unbounded coordinates
)

// grid is the coarse grid in search order: alpha, then beta's share, then
// phi.
var grid = func() []params {
	points := make([]params, 0, len(gridAlpha)*len(gridBetaShare)*len(gridPhi))
	for _, a := range gridAlpha {
		for _, share := range gridBetaShare {
			for _, phi := range gridPhi {
				points = append(points, params{alpha: a, beta: betaMin + share*(a-betaMin), phi: phi})
			}
		}
	}
	return points
}()

// searchGrid returns the grid point with the smallest one-step SSE and that
// SSE. Ties keep the earlier point, so the result is deterministic. The
// points are smoothed lanes at a time; a last batch that falls short is
// padded with its last point, which can only tie.
func searchGrid(values []float64, s state, scale float64) (params, float64) {
	best, bestSSE := params{}, math.Inf(1)
	for i := 0; i < len(grid); i += lanes {
		var batch [lanes]params
		for k := range batch {
			batch[k] = grid[min(i+k, len(grid)-1)]
		}
		for k, sse := range smoothLanes(values, &batch, s, scale) {
			// The first point is taken unconditionally so that a NaN
			// sum, which never compares less, still yields a model.
			if sse < bestSSE || best == (params{}) {
				best, bestSSE = batch[k], sse
			}
		}
	}
	return best, bestSSE
}

// refineNelderMead improves p with gonum's Nelder–Mead. The simplex moves in
// unbounded coordinates that a logistic map sends into the bounds, so every
// point it tries is a valid model. It returns p unchanged when the search
// fails or finds nothing better than startSSE.
func refineNelderMead(values []float64, s state, scale float64, p params, startSSE float64) params {
	problem := optimize.Problem{Func: func(x []float64) float64 {
		return smooth(values, fromUnbounded(x), s, scale).sse
	}}
	settings := &optimize.Settings{
		FuncEvaluations: refineEvaluations,
		Converger:       &optimize.FunctionConverge{Relative: 1e-4, Iterations: refineStall},
	}
	x0 := toUnbounded(p)
	res, err := optimize.Minimize(problem, x0[:], settings, &optimize.NelderMead{SimplexSize: refineSimplex})
	if err != nil || !(res.F < startSSE) {
		return p
	}
	return fromUnbounded(res.X)
}

// fromUnbounded maps a point of R³ to parameters within their bounds.
func fromUnbounded(x []float64) params {
	a := alphaMin + (alphaMax-alphaMin)*logistic(x[0])
	return params{
		alpha: a,
		beta:  betaMin + (a-betaMin)*logistic(x[1]),
		phi:   phiMin + (phiMax-phiMin)*logistic(x[2]),
	}
}

// toUnbounded is the inverse of fromUnbounded, with each share kept off 0
// and 1 so the logit stays finite.
func toUnbounded(p params) [3]float64 {
	betaShare := 0.5
	if p.alpha > betaMin {
		betaShare = (p.beta - betaMin) / (p.alpha - betaMin)
	}
	return [3]float64{
		logit((p.alpha - alphaMin) / (alphaMax - alphaMin)),
		logit(betaShare),
		logit((p.phi - phiMin) / (phiMax - phiMin)),
	}
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func logit(share float64) float64 {
	const margin = 1e-3
	share = min(max(share, margin), 1-margin)
	return math.Log(share / (1 - share))
}
