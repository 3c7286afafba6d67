package engine

import (
	"errors"
	"fmt"
	"strings"
)

// maxDepth bounds nesting so a hostile answer cannot exhaust the stack.
const maxDepth = 64

var (
	// errTruncated reports input that ends inside a value.
	errTruncated = errors.New("unexpected end of input")
	// errTooDeep reports nesting beyond maxDepth.
	errTooDeep = fmt.Errorf("nested more than %d levels", maxDepth)
)

// parser reads one JSON value from s. Beyond RFC 8259 it accepts trailing
// commas in arrays and objects and raw control characters in strings, two
// slips LLMs make that lose no information.
type parser struct {
	s     string
	pos   int
	depth int
	tape  []node
}

// The tape is sized from the input: answers in the requested schema have
// about one value per 25 bytes. The cap keeps a short object at the start of
// a huge answer from reserving room for the whole answer.
const (
	bytesPerNode = 25
	maxTapeHint  = 1024
)

// parseJSON parses the value starting at s[start] and returns it with the
// index just past it. The error is errTruncated when s ends first.
func parseJSON(s string, start int) (value, int, error) {
	hint := min(16+(len(s)-start)/bytesPerNode, maxTapeHint)
	p := parser{s: s, pos: start, tape: make([]node, 0, hint)}
	err := p.value("")
	return value{tape: p.tape}, p.pos, err
}

// fail is a syntax error at the current position.
func (p *parser) fail(format string, args ...any) error {
	return fmt.Errorf("byte %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

// value parses one value into a new node with the given member key.
func (p *parser) value(key string) error {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return errTruncated
	}
	i := len(p.tape)
	p.tape = append(p.tape, node{key: key})
	var (
		kind nodeKind
		text string
		err  error
	)
	// The node is written only after its children are parsed: appending
	// them may move the tape.
	switch c := p.s[p.pos]; {
	case c == '{':
		kind, err = kindObject, p.container(kindObject, '}')
	case c == '[':
		kind, err = kindArray, p.container(kindArray, ']')
	case c == '"':
		kind = kindString
		text, err = p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		kind = kindNumber
		text, err = p.number()
	case c == 't':
		kind, text, err = kindBool, "true", p.literal("true")
	case c == 'f':
		kind, text, err = kindBool, "false", p.literal("false")
	case c == 'n':
		kind, err = kindNull, p.literal("null")
	default:
		err = p.fail("unexpected %q", c)
	}
	p.tape[i].kind, p.tape[i].text, p.tape[i].end = kind, text, len(p.tape)
	return err
}

// container parses the children of an object or an array.
func (p *parser) container(kind nodeKind, closer byte) error {
	if p.depth++; p.depth > maxDepth {
		return fmt.Errorf("byte %d: %w", p.pos, errTooDeep)
	}
	defer func() { p.depth-- }()
	p.pos++ // the opening bracket
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return errTruncated
		}
		if p.s[p.pos] == closer { // empty, or after a trailing comma
			p.pos++
			return nil
		}
		if err := p.element(kind); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.s) {
			return errTruncated
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case closer:
			p.pos++
			return nil
		default:
			return p.fail("expected ',' or %q, found %q", closer, p.s[p.pos])
		}
	}
}

// element parses one array item or object member.
func (p *parser) element(kind nodeKind) error {
	if kind == kindArray {
		return p.value("")
	}
	if p.s[p.pos] != '"' {
		return p.fail("expected a quoted key, found %q", p.s[p.pos])
	}
	key, err := p.str()
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.pos >= len(p.s) {
		return errTruncated
	}
	if p.s[p.pos] != ':' {
		return p.fail("expected ':' after key %q", key)
	}
	p.pos++
	return p.value(key)
}

// number checks the JSON number grammar and returns the literal.
func (p *parser) number() (string, error) {
	start := p.pos
	if p.s[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.s) && p.s[p.pos] == '0':
		p.pos++ // a leading zero stands alone; a digit after it is an error for the caller
	case p.digits() == 0:
		return "", p.endOr("expected a digit")
	}
	if p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return "", p.endOr("expected a digit after '.'")
		}
	}
	if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return "", p.endOr("expected a digit in the exponent")
		}
	}
	return p.s[start:p.pos], nil
}

func (p *parser) digits() int {
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	return p.pos - start
}

// endOr is errTruncated at the end of input and a syntax error elsewhere.
func (p *parser) endOr(msg string) error {
	if p.pos >= len(p.s) {
		return errTruncated
	}
	return p.fail("%s", msg)
}

func (p *parser) literal(word string) error {
	rest := p.s[p.pos:]
	switch {
	case strings.HasPrefix(rest, word):
		p.pos += len(word)
		return nil
	case strings.HasPrefix(word, rest):
		p.pos = len(p.s)
		return errTruncated
	}
	return p.fail("invalid literal")
}
