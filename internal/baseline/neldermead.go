package baseline

import "slices"

// Nelder–Mead settings: the coefficients are the method's standard ones.
const (
	nmReflect, nmExpand, nmContract, nmShrink = 1.0, 2.0, 0.5, 0.5
	nmSimplex                                 = 0.5  // initial step in each coordinate
	nmRelative                                = 1e-6 // an improvement smaller than this share…
	nmStall                                   = 20   // …for this many iterations stops the search
)

// minimize returns the point of lowest f found by the Nelder–Mead simplex
// method from x0, within maxEvals evaluations of f. It is gonum's
// optimize.NelderMead with a FunctionConverge, written out: the fits call it
// several times per forecast on short series, where gonum's driver, which
// runs the method in a goroutine and hands it each evaluation over a
// channel, cost more than the smoothing itself (two thirds of a 144-point
// fit, measured with pprof). Deterministic: ties keep the earlier vertex.
func minimize(f func([]float64) float64, x0 []float64, maxEvals int) []float64 {
	d := len(x0)
	type vertex struct {
		x []float64
		f float64
	}
	// One backing array: d+1 vertices, the centroid and three trial points.
	buf := make([]float64, (d+5)*d)
	slot := func(i int) []float64 { return buf[i*d : (i+1)*d : (i+1)*d] }
	simplex := make([]vertex, d+1)
	evals := 0
	for i := range simplex {
		x := slot(i)
		copy(x, x0)
		if i > 0 {
			x[i-1] += nmSimplex
		}
		simplex[i] = vertex{x, f(x)}
		evals++
	}
	centroid, reflected, expanded, contracted := slot(d+1), slot(d+2), slot(d+3), slot(d+4)
	// trial sets x to centroid + t·(centroid − worst) and returns f there.
	trial := func(x, worst []float64, t float64) float64 {
		for i := range x {
			x[i] = centroid[i] + t*(centroid[i]-worst[i])
		}
		evals++
		return f(x)
	}
	byValue := func(a, b vertex) int { return compareFloat(a.f, b.f) }
	best, stall := simplex[0].f, 0
	for evals < maxEvals && stall < nmStall {
		slices.SortStableFunc(simplex, byValue)
		if simplex[0].f < best-nmRelative*abs(best) {
			best, stall = simplex[0].f, 0
		} else {
			stall++
		}
		clear(centroid)
		for _, v := range simplex[:d] {
			for i, c := range v.x {
				centroid[i] += c / float64(d)
			}
		}
		worst := &simplex[d]
		fr := trial(reflected, worst.x, nmReflect)
		switch {
		case fr < simplex[0].f:
			if fe := trial(expanded, worst.x, nmExpand); fe < fr {
				copy(worst.x, expanded)
				worst.f = fe
			} else {
				copy(worst.x, reflected)
				worst.f = fr
			}
		case fr < simplex[d-1].f:
			copy(worst.x, reflected)
			worst.f = fr
		default:
			t := -nmContract // inside contraction
			if fr < worst.f {
				t = nmContract // outside
			}
			if fc := trial(contracted, worst.x, t); fc < min(fr, worst.f) {
				copy(worst.x, contracted)
				worst.f = fc
				continue
			}
			for j := 1; j <= d; j++ { // shrink towards the best
				x := simplex[j].x
				for i := range x {
					x[i] = simplex[0].x[i] + nmShrink*(x[i]-simplex[0].x[i])
				}
				simplex[j].f = f(x)
				evals++
			}
		}
	}
	return slices.Clone(slices.MinFunc(simplex, byValue).x)
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
