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
	simplex := make([]vertex, d+1)
	evals := 0
	eval := func(x []float64) vertex { evals++; return vertex{x, f(x)} }
	simplex[0] = eval(slices.Clone(x0))
	for i := range d {
		x := slices.Clone(x0)
		x[i] += nmSimplex
		simplex[i+1] = eval(x)
	}
	byValue := func(a, b vertex) int { return compareFloat(a.f, b.f) }
	centroid := make([]float64, d)
	// along returns centroid + t·(centroid − worst).
	along := func(worst []float64, t float64) []float64 {
		x := make([]float64, d)
		for i := range x {
			x[i] = centroid[i] + t*(centroid[i]-worst[i])
		}
		return x
	}
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
		worst := simplex[d]
		r := eval(along(worst.x, nmReflect))
		switch {
		case r.f < simplex[0].f:
			if e := eval(along(worst.x, nmExpand)); e.f < r.f {
				r = e
			}
			simplex[d] = r
		case r.f < simplex[d-1].f:
			simplex[d] = r
		default:
			t := -nmContract // inside contraction
			if r.f < worst.f {
				t = nmContract // outside
			}
			if c := eval(along(worst.x, t)); c.f < min(r.f, worst.f) {
				simplex[d] = c
				continue
			}
			for j := 1; j <= d; j++ { // shrink towards the best
				x := simplex[j].x
				for i := range x {
					x[i] = simplex[0].x[i] + nmShrink*(x[i]-simplex[0].x[i])
				}
				simplex[j] = eval(x)
			}
		}
	}
	return slices.MinFunc(simplex, byValue).x
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
