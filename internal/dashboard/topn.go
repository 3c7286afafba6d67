package dashboard

import (
	"container/heap"
	"slices"
)

// topN keeps the n best values offered, by better, in a heap whose root is
// the worst value kept: a value that does not make the cut costs one
// comparison, so choosing the top 10 of 200,000 is one pass.
type topN[T any] struct {
	n      int
	better func(a, b T) bool
	kept   []T
}

func newTopN[T any](n int, better func(a, b T) bool) *topN[T] {
	return &topN[T]{n: n, better: better, kept: make([]T, 0, n)}
}

func (t *topN[T]) offer(v T) {
	switch {
	case len(t.kept) < t.n:
		heap.Push(t, v)
	case t.n > 0 && t.better(v, t.kept[0]):
		t.kept[0] = v
		heap.Fix(t, 0)
	}
}

// sorted returns the values kept, best first.
func (t *topN[T]) sorted() []T {
	slices.SortFunc(t.kept, func(a, b T) int {
		switch {
		case t.better(a, b):
			return -1
		case t.better(b, a):
			return 1
		}
		return 0
	})
	return t.kept
}

// heap.Interface, worst first.
func (t *topN[T]) Len() int           { return len(t.kept) }
func (t *topN[T]) Less(i, j int) bool { return t.better(t.kept[j], t.kept[i]) }
func (t *topN[T]) Swap(i, j int)      { t.kept[i], t.kept[j] = t.kept[j], t.kept[i] }
func (t *topN[T]) Push(x any)         { t.kept = append(t.kept, x.(T)) }
func (t *topN[T]) Pop() any {
	last := t.kept[len(t.kept)-1]
	t.kept = t.kept[:len(t.kept)-1]
	return last
}
