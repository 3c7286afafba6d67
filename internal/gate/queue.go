package gate

import "slices"

// fairQueue holds the calls waiting for a gate: one first-in-first-out line
// per namespace, and the namespaces with waiting calls in a ring that the
// dispatcher walks, one call per turn.
type fairQueue struct {
	lines map[string]*line
	ring  []string // namespaces with calls waiting, in turn order
	turn  int      // index in ring of the namespace whose turn is next
	byKey map[string]*Call
	size  int
}

// line is one namespace's calls, oldest first.
type line struct {
	calls []*Call
	head  int
}

func newFairQueue() *fairQueue {
	return &fairQueue{lines: map[string]*line{}, byKey: map[string]*Call{}}
}

// push queues c behind the calls of its namespace. A call of the same key
// still waiting is replaced in its place: a Forecast asked again keeps its
// turn, with the newest request.
func (q *fairQueue) push(c *Call) {
	if old, ok := q.byKey[c.Key]; ok && old.Namespace == c.Namespace {
		*old = *c
		return
	} else if ok {
		q.remove(c.Key)
	}
	l, ok := q.lines[c.Namespace]
	if !ok {
		l = &line{}
		q.lines[c.Namespace] = l
		// A namespace that starts waiting joins the end of the round: it is
		// served after each namespace waiting now has had one turn.
		q.ring = slices.Insert(q.ring, q.turn, c.Namespace)
		if len(q.ring) > 1 {
			q.turn++
		}
	}
	l.calls = append(l.calls, c)
	q.byKey[c.Key] = c
	q.size++
}

// peek returns the call whose turn is next, without taking it.
func (q *fairQueue) peek() *Call {
	if q.size == 0 {
		return nil
	}
	l := q.lines[q.ring[q.turn]]
	return l.calls[l.head]
}

// pop takes the call whose turn is next, and passes the turn on.
func (q *fairQueue) pop() *Call {
	c := q.peek()
	if c == nil {
		return nil
	}
	ns := q.ring[q.turn]
	l := q.lines[ns]
	l.calls[l.head] = nil
	l.head++
	delete(q.byKey, c.Key)
	q.size--
	if l.head == len(l.calls) {
		q.dropLine(ns)
	} else {
		q.turn = (q.turn + 1) % len(q.ring)
	}
	return c
}

// remove takes the call of key out of the queue, wherever it waits.
func (q *fairQueue) remove(key string) (*Call, bool) {
	c, ok := q.byKey[key]
	if !ok {
		return nil, false
	}
	delete(q.byKey, key)
	q.size--
	l := q.lines[c.Namespace]
	for i := l.head; i < len(l.calls); i++ {
		if l.calls[i] == c {
			l.calls = slices.Delete(l.calls, i, i+1)
			break
		}
	}
	if l.head == len(l.calls) {
		q.dropLine(c.Namespace)
	}
	return c, true
}

// dropLine forgets the empty line of ns; the turn stays with the namespace
// that followed it.
func (q *fairQueue) dropLine(ns string) {
	delete(q.lines, ns)
	for i, n := range q.ring {
		if n != ns {
			continue
		}
		q.ring = slices.Delete(q.ring, i, i+1)
		if i < q.turn {
			q.turn--
		}
		break
	}
	if q.turn >= len(q.ring) {
		q.turn = 0
	}
}

// keys returns the keys of every waiting call, in no order.
func (q *fairQueue) keys() []string {
	out := make([]string, 0, len(q.byKey))
	for k := range q.byKey {
		out = append(out, k)
	}
	return out
}
