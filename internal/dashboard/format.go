package dashboard

import (
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// templateFuncs format values for the pages. Every function returns
// escaped-on-output text except the *Shape ones, which return fixed SVG.
var templateFuncs = template.FuncMap{
	"ago":           ago,
	"iso":           iso,
	"at":            func(now time.Time, t *time.Time) timeAt { return timeAt{Now: now, T: t} },
	"ptr":           func(t time.Time) *time.Time { return &t },
	"lower":         strings.ToLower,
	"eqFold":        strings.EqualFold,
	"num":           numberText,
	"ms":            func(v *float64) string { return formatNumber(math.Round(*v*10)/10) + " ms" },
	"short":         shortDuration,
	"spaced":        spaced,
	"truncate":      truncate,
	"plural":        plural,
	"forecastURL":   forecastURL,
	"riskShape":     func(level string) template.HTML { return shape(riskShapes, level) },
	"stateShape":    func(state string) template.HTML { return shape(stateShapes, state) },
	"providerShape": func(state string) template.HTML { return shape(providerShapes, state) },
}

// timeAt pairs a time with the page's now, for the "time" template.
type timeAt struct {
	Now time.Time
	T   *time.Time
}

// ago says how long ago (or how soon) t is, briefly: "12s ago", "in 5m".
func ago(now time.Time, t *time.Time) string {
	if t == nil {
		return "—"
	}
	d := now.Sub(*t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		s = strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		s = strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		s = strconv.Itoa(int(d/time.Hour)) + "h"
	default:
		s = strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

func iso(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func numberText(v any) string {
	switch n := v.(type) {
	case float64:
		return formatNumber(n)
	case *float64:
		if n == nil {
			return "—"
		}
		return formatNumber(*n)
	}
	return ""
}

// shortDuration drops the zero units of a Go duration: "1h0m0s" is "1h".
func shortDuration(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil || d == 0 {
		return s
	}
	out := d.String()
	if strings.HasSuffix(out, "m0s") {
		out = strings.TrimSuffix(out, "0s")
	}
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}

// spaced writes a CamelCase word as words: "CoolingDown" is "Cooling down".
func spaced(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && unicode.IsUpper(r) {
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			if unicode.IsLower(prev) {
				b.WriteByte(' ')
				r = unicode.ToLower(r)
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// truncate shortens s to at most n runes, ending with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:n-1])) + "…"
}

func plural(n any, one, many string) string {
	var v int64
	switch x := n.(type) {
	case int:
		v = int64(x)
	case int32:
		v = int64(x)
	case int64:
		v = x
	}
	if v == 1 {
		return one
	}
	return many
}

// forecastURL is the path of a Forecast's page relative to the page at root.
func forecastURL(root, namespace, name string) string {
	return root + "forecasts/" + url.PathEscape(namespace) + "/" + url.PathEscape(name)
}

// Icon shapes, drawn in currentColor on a 16x16 grid.
const (
	iconOpen  = `<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">`
	iconClose = `</svg>`
	stroke    = ` fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"`

	shapeCircle   = `<circle cx="8" cy="8" r="5" fill="currentColor"/>`
	shapeDiamond  = `<path d="M8 1.5 14.5 8 8 14.5 1.5 8z" fill="currentColor"/>`
	shapeTriangle = `<path d="M8 1.5 15 14.2H1z" fill="currentColor"/>`
	shapeOctagon  = `<path d="M5.1 1h5.8L15 5.1v5.8L10.9 15H5.1L1 10.9V5.1zM7 4v5h2V4zm0 6.5v2h2v-2z" fill="currentColor" fill-rule="evenodd"/>`
	shapeDash     = `<path d="M3.5 8h9"` + stroke + `/>`
	shapeCheck    = `<path d="M3 8.5 6.5 12 13 4.5"` + stroke + `/>`
	shapeCross    = `<path d="M4 4l8 8M12 4l-8 8"` + stroke + `/>`
	shapeClock    = `<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M8 4.6V8l2.4 1.7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`
	shapeDots     = `<circle cx="3.5" cy="8" r="1.6" fill="currentColor"/><circle cx="8" cy="8" r="1.6" fill="currentColor"/><circle cx="12.5" cy="8" r="1.6" fill="currentColor"/>`
	shapePause    = `<rect x="3.5" y="3" width="3" height="10" rx="1" fill="currentColor"/><rect x="9.5" y="3" width="3" height="10" rx="1" fill="currentColor"/>`
	shapeRing     = `<circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" stroke-width="2"/>`
)

var (
	riskShapes = map[string]string{"Low": shapeCircle, "Moderate": shapeDiamond, "High": shapeTriangle,
		"Critical": shapeOctagon, "": shapeDash}
	stateShapes = map[string]string{StateReady: shapeCheck, StateFailing: shapeCross, StateStale: shapeClock,
		StatePending: shapeDots, StateSuspended: shapePause, "": shapeDash}
	providerShapes = map[string]string{"Active": shapeCheck, "Standby": shapeRing, "Unhealthy": shapeCross,
		"CoolingDown": shapeClock, "Unconfigured": shapeDash, "": shapeDash}
)

// shape returns the fixed SVG icon for key, a dash for unknown keys.
func shape(shapes map[string]string, key string) template.HTML {
	s, ok := shapes[key]
	if !ok {
		s = shapeDash
	}
	return template.HTML(iconOpen + s + iconClose) // constant markup, no user data
}
