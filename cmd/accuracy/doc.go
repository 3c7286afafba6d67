package main

import (
	"fmt"
	"os"
	"strings"
)

// The markers around the generated part of the document.
const (
	beginMarker = "<!-- accuracy:begin -->"
	endMarker   = "<!-- accuracy:end -->"
)

// replaceGenerated returns doc with what lies between its begin and end
// markers replaced by generated; the markers and everything outside them
// are kept as they are.
func replaceGenerated(doc, generated string) (string, error) {
	begin := strings.Index(doc, beginMarker)
	end := strings.Index(doc, endMarker)
	switch {
	case begin < 0 || end < 0:
		return "", fmt.Errorf("the document has no %s ... %s markers around the generated part; add them where the tables go", beginMarker, endMarker)
	case strings.Count(doc, beginMarker) > 1 || strings.Count(doc, endMarker) > 1:
		return "", fmt.Errorf("the document has more than one %s or %s marker", beginMarker, endMarker)
	case end < begin:
		return "", fmt.Errorf("the document's %s marker comes before its %s marker", endMarker, beginMarker)
	}
	head := doc[:begin+len(beginMarker)]
	return head + "\n" + strings.TrimSpace(generated) + "\n" + doc[end:], nil
}

// writeGenerated rewrites the generated part of the markdown file path.
func writeGenerated(path, generated string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc, err := replaceGenerated(string(old), generated)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(doc), info.Mode().Perm())
}
