package engine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on the strings of a Result, in characters (runes). They are the
// Forecast status schema's maxLength (a test compares them with the CRD), so
// that every Result the engine returns can be stored.
const (
	MaxSummary     = 2048
	MaxName        = 128
	MaxDescription = 1024
	MaxPeriod      = 32
)

// cleanLabel is cleanText for a short label: when it is too long it is cut
// after the last whole word that fits ("Q3 2026 (July to September, peak)"
// becomes "Q3 2026 (July to September,"), and then cleared of the
// punctuation left at its end.
func cleanLabel(s string, limit int) string {
	s = cleanText(s, len(s)+1)
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	cut := cleanText(s, limit)
	if i := strings.LastIndexByte(cut, ' '); i > 0 && !strings.HasPrefix(s[len(cut):], " ") {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-([{")
}

// cleanText trims s, turns each run of control characters and spaces into
// one space (so "line\nbreak" stays two words), removes invisible format
// characters (bidirectional overrides, zero-width spaces, byte order marks:
// they can make a dashboard show something other than what is stored),
// replaces invalid UTF-8, and cuts the result to at most limit runes on a
// rune boundary.
func cleanText(s string, limit int) string {
	s = strings.TrimSpace(s)
	if needsCleaning(s) {
		var b strings.Builder
		b.Grow(len(s))
		space := false
		for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
			switch {
			case unicode.IsControl(r) || unicode.IsSpace(r):
				space = true
				continue
			case isInvisibleFormat(r):
				continue
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
		s = b.String()
	}
	return truncateRunes(s, limit)
}

// isInvisibleFormat reports whether r is a format character (Unicode
// category Cf) other than the zero-width joiner and non-joiner, which
// emoji sequences and some scripts need.
func isInvisibleFormat(r rune) bool {
	return r != '\u200c' && r != '\u200d' && unicode.Is(unicode.Cf, r)
}

// needsCleaning reports whether s has a control or invisible format
// character or invalid UTF-8, so the common clean string is returned without
// copying.
func needsCleaning(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf { // ASCII, most of any answer
			if c < ' ' || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsControl(r) || isInvisibleFormat(r) || (r == utf8.RuneError && size == 1) {
			return true
		}
		i += size
	}
	return false
}

// truncateRunes cuts s to at most limit runes, then drops trailing spaces the
// cut may expose.
func truncateRunes(s string, limit int) string {
	if len(s) <= limit { // no more runes than bytes
		return s
	}
	count := 0
	for i := range s {
		if count == limit {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace)
		}
		count++
	}
	return s
}
