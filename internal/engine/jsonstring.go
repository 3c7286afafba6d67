package engine

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// str parses a string, returning a substring of the input when it has no
// escapes.
func (p *parser) str() (string, error) {
	p.pos++ // the opening quote
	start := p.pos
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case '"':
			p.pos++
			return p.s[start : p.pos-1], nil
		case '\\':
			return p.escapedStr(start)
		}
		p.pos++
	}
	return "", errTruncated
}

// escapedStr finishes a string that contains escapes, decoding them the way
// encoding/json does: an unpaired surrogate becomes U+FFFD.
func (p *parser) escapedStr(start int) (string, error) {
	var b strings.Builder
	b.WriteString(p.s[start:p.pos])
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.s) {
			return "", errTruncated
		}
		esc := p.s[p.pos+1]
		p.pos += 2
		switch esc {
		case '"', '\\', '/':
			b.WriteByte(esc)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, err := p.hexRune()
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
		default:
			return "", p.fail("invalid escape \\%c", esc)
		}
	}
	return "", errTruncated
}

// hexRune reads the digits of a \u escape, and the low half of a surrogate
// pair when one follows.
func (p *parser) hexRune() (rune, error) {
	r, err := p.hex4()
	if err != nil || !utf16.IsSurrogate(r) {
		return r, err
	}
	if !strings.HasPrefix(p.s[p.pos:], `\u`) {
		return utf8.RuneError, nil
	}
	save := p.pos
	p.pos += 2
	low, err := p.hex4()
	if err != nil {
		return 0, err
	}
	if pair := utf16.DecodeRune(r, low); pair != utf8.RuneError {
		return pair, nil
	}
	p.pos = save // not a pair: the second escape stands alone
	return utf8.RuneError, nil
}

// hex4 reads the four hex digits of a \u escape.
func (p *parser) hex4() (rune, error) {
	var r rune
	for i := range 4 {
		if p.pos+i >= len(p.s) {
			return 0, errTruncated
		}
		d, ok := hexDigit(p.s[p.pos+i])
		if !ok {
			return 0, p.fail("invalid \\u escape %q", p.s[p.pos:min(p.pos+4, len(p.s))])
		}
		r = r<<4 | d
	}
	p.pos += 4
	return r, nil
}

func hexDigit(c byte) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0'), true
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10), true
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10), true
	}
	return 0, false
}
