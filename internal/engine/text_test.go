package engine

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"clean", "Port congestion", 128, "Port congestion"},
		{"trimmed", "  \tPort congestion \n", 128, "Port congestion"},
		{"newline is a space", "line\r\nbreak", 128, "line break"},
		{"control characters dropped", "a\x00\x07b\x1bc", 128, "a b c"},
		{"invalid UTF-8 replaced", "ok\xffok", 128, "ok\uFFFDok"},
		{"cut on a rune boundary", "ééééé", 3, "ééé"},
		{"cut drops exposed space", "abc def", 4, "abc"},
		{"exact length kept", "abcd", 4, "abcd"},
		{"empty", "", 10, ""},
		{"only control characters", "\x00\x01", 10, ""},
		{"bidi override removed", "evil\u202eexe.txt", 128, "evilexe.txt"},
		{"zero-width space and BOM removed", "\ufeffPort\u200b congestion\u200b", 128, "Port congestion"},
		{"zero-width joiner kept", "👩\u200d💻", 128, "👩\u200d💻"},
		{"C1 control is a space", "a\u0085b", 128, "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanText(tt.in, tt.limit); got != tt.want {
				t.Errorf("cleanText(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
		})
	}
}

func TestCleanTextBoundsLongText(t *testing.T) {
	long := strings.Repeat("日本", MaxSummary)
	got := cleanText(long, MaxSummary)
	if n := utf8.RuneCountInString(got); n != MaxSummary || !utf8.ValidString(got) {
		t.Errorf("got %d runes (valid UTF-8: %v), want %d", n, utf8.ValidString(got), MaxSummary)
	}
}

func TestCleanLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026-07", "2026-07"},
		{"Q3 2026 (July to September, peak)", "Q3 2026 (July to September"},
		{"  winter\tpeak  ", "winter peak"},
		{strings.Repeat("x", 40), strings.Repeat("x", MaxPeriod)},
		{"2026-07 through 2026-09 and maybe beyond", "2026-07 through 2026-09 and"},
	}
	for _, tt := range tests {
		got := cleanLabel(tt.in, MaxPeriod)
		if got != tt.want || utf8.RuneCountInString(got) > MaxPeriod {
			t.Errorf("cleanLabel(%q) = %q, want %q (at most %d characters)", tt.in, got, tt.want, MaxPeriod)
		}
	}
}
