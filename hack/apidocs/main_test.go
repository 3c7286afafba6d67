package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPIReferenceIsCurrent fails when docs/reference/api.md is not what
// `make docs` writes from the API types as they are now, e.g. after a doc
// comment or a marker changed.
func TestAPIReferenceIsCurrent(t *testing.T) {
	fresh := filepath.Join(t.TempDir(), "api.md")
	if err := generate("../..", fresh); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(fresh)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../docs/reference/api.md")
	if err != nil {
		t.Fatalf("docs/reference/api.md is missing: run make docs (%v)", err)
	}
	if diff := firstDifference(string(got), string(want)); diff != "" {
		t.Errorf("docs/reference/api.md is out of date: run make docs\n%s", diff)
	}
}

// firstDifference describes the first line where got and want differ, or
// returns "" when they are equal. One line is enough to show what changed
// without dumping the whole reference.
func firstDifference(got, want string) string {
	if got == want {
		return ""
	}
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; ; i++ {
		g, w := lineAt(gotLines, i), lineAt(wantLines, i)
		if g != w {
			return fmt.Sprintf("line %d\n  is:        %s\n  should be: %s", i+1, g, w)
		}
	}
}

// lineAt returns line i, or a marker past the end so that a missing line
// differs from an empty one.
func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end of file)"
}

func TestFirstDifference(t *testing.T) {
	tests := []struct {
		name, got, want, diff string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"changed line", "a\nb\n", "a\nc\n", "line 2\n  is:        b\n  should be: c"},
		{"missing line", "a\n", "a\nb\n", "line 2\n  is:        \n  should be: b"},
		{"extra line", "a\nb", "a", "line 2\n  is:        b\n  should be: (end of file)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := firstDifference(tt.got, tt.want); diff != tt.diff {
				t.Errorf("firstDifference = %q, want %q", diff, tt.diff)
			}
		})
	}
}
