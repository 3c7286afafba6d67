// Package history reads a Forecast's observed series: inline from its spec,
// or from the text of a ConfigMap key in CSV or JSON.
package history

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// MaxPoints bounds a series read from a ConfigMap, so that one Forecast
// cannot make the operator hold or send an unbounded history.
const MaxPoints = 5000

// Error says what is wrong with a series, naming the line or element.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

func errorf(format string, args ...any) error { return &Error{Message: fmt.Sprintf(format, args...)} }

// Parse reads a series written as a JSON array of {"period", "value"}
// objects (value a number or a decimal string), or as CSV lines
// `period,value`, optionally under a `period,value` header; lines starting
// with # are comments.
func Parse(text string) ([]engine.Point, error) {
	trimmed := strings.TrimSpace(text)
	if trimmed == "" {
		return nil, errorf("the history is empty")
	}
	var points []engine.Point
	var err error
	if strings.HasPrefix(trimmed, "[") {
		points, err = parseJSON(trimmed)
	} else {
		points, err = parseCSV(trimmed)
	}
	if err != nil {
		return nil, err
	}
	return points, checkPeriods(points)
}

type jsonPoint struct {
	Period string          `json:"period"`
	Value  json.RawMessage `json:"value"`
}

func parseJSON(text string) ([]engine.Point, error) {
	var raw []jsonPoint
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, errorf("the history is not a JSON array of {\"period\", \"value\"} objects: %v", err)
	}
	if len(raw) > MaxPoints {
		return nil, errorf("the history has %d points; at most %d are allowed", len(raw), MaxPoints)
	}
	points := make([]engine.Point, len(raw))
	for i, r := range raw {
		value := strings.Trim(string(r.Value), `"`)
		v, err := ParseValue(value)
		if err != nil {
			return nil, errorf("element %d (period %q): %v", i, r.Period, err)
		}
		points[i] = engine.Point{Period: strings.TrimSpace(r.Period), Value: v}
	}
	return points, nil
}

func parseCSV(text string) ([]engine.Point, error) {
	r := csv.NewReader(bytes.NewBufferString(text))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.Comment = '#'
	var points []engine.Point
	for {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, errorf("the history is not valid CSV: %v", err)
		}
		if len(record) != 2 {
			return nil, errorf("line %d: want 2 fields (period,value), got %d", line, len(record))
		}
		if line == 1 && strings.EqualFold(strings.TrimSpace(record[0]), "period") {
			continue // the header line
		}
		v, err := ParseValue(record[1])
		if err != nil {
			return nil, errorf("line %d (period %q): %v", line, record[0], err)
		}
		if len(points) == MaxPoints {
			return nil, errorf("the history has more than %d points", MaxPoints)
		}
		points = append(points, engine.Point{Period: strings.TrimSpace(record[0]), Value: v})
	}
	if len(points) == 0 {
		return nil, errorf("the history has no data lines")
	}
	return points, nil
}

// ParseValue reads a finite decimal number.
func ParseValue(s string) (float64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("value %q is not a number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %q is not a finite number", s)
	}
	return v, nil
}

func checkPeriods(points []engine.Point) error {
	seen := make(map[string]int, len(points))
	for i, p := range points {
		if p.Period == "" {
			return errorf("point %d has no period", i+1)
		}
		if j, dup := seen[p.Period]; dup {
			return errorf("period %q appears twice (points %d and %d)", p.Period, j+1, i+1)
		}
		seen[p.Period] = i
	}
	return nil
}
