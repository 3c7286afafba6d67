package engine

import "iter"

// The engine parses answers with its own small JSON parser rather than
// encoding/json: one pass validates, builds the tree and tells a cut-off
// object (truncation) from a malformed one, strings without escapes are
// substrings of the answer rather than copies, and the lenient reading in
// answer.go works on the tree instead of on reflection-driven structs. It
// keeps Normalize within its latency budget; FuzzExtract checks it against
// encoding/json.

// nodeKind is the type of a JSON value.
type nodeKind uint8

const (
	kindNull nodeKind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// node is one value of a parsed document. A document is a tape of nodes in
// document order: a container's children follow it, and each node records
// where its subtree ends, so a parse costs one growing slice rather than a
// slice per container.
type node struct {
	kind nodeKind
	key  string // the member's key when the parent is an object
	text string // literal of a number or boolean, content of a string
	end  int    // tape index just past this node's subtree
}

// value is a handle on one node of a parsed document. The zero value is a
// missing value and reads as null.
type value struct {
	tape []node
	i    int
}

func (v value) missing() bool { return v.i >= len(v.tape) }

func (v value) kind() nodeKind {
	if v.missing() {
		return kindNull
	}
	return v.tape[v.i].kind
}

func (v value) text() string {
	if v.missing() {
		return ""
	}
	return v.tape[v.i].text
}

// children yields the items of an array, or the keys and values of an
// object's members, in document order.
func (v value) children() iter.Seq2[string, value] {
	return func(yield func(string, value) bool) {
		if v.missing() {
			return
		}
		for c := v.i + 1; c < v.tape[v.i].end; c = v.tape[c].end {
			if !yield(v.tape[c].key, value{v.tape, c}) {
				return
			}
		}
	}
}

// len is the number of children.
func (v value) len() int {
	n := 0
	for range v.children() {
		n++
	}
	return n
}
