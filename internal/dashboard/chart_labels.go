package dashboard

import (
	"bytes"
	"html"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// The chart's words: axis labels, its accessible title, numbers.

// periodTicker labels the x axis with period labels, every stride-th one
// so that they do not overlap, aligned so that the first prediction
// (anchor) gets a label; the others get a minor tick.
type periodTicker struct {
	labels []string
	anchor int
	max    int
}

// Ticks implements plot.Ticker.
func (t periodTicker) Ticks(lo, hi float64) []plot.Tick {
	stride := max(1, (len(t.labels)+t.max-1)/t.max)
	ticks := make([]plot.Tick, 0, len(t.labels))
	for i, label := range t.labels {
		if float64(i) < lo || float64(i) > hi {
			continue
		}
		tick := plot.Tick{Value: float64(i)}
		if (i-t.anchor%stride)%stride == 0 {
			tick.Label = label
		}
		ticks = append(ticks, tick)
	}
	return ticks
}

// maxTicks is how many labels fit side by side on the x axis.
func maxTicks(labels []string) int {
	longest := 1
	for _, l := range labels {
		longest = max(longest, len(l))
	}
	plotWidth := (chartWidth - legendWidth - vg.Inch).Points()
	perLabel := float64(longest)*tickFontSize*0.6 + 14
	return max(2, int(plotWidth/perLabel))
}

// polishSVG names fallback fonts for viewers without the Liberation fonts
// and gives the document an accessible title.
func polishSVG(svg []byte, d chartData) []byte {
	svg = bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	open := bytes.Index(svg, []byte("<svg"))
	if open < 0 {
		return svg
	}
	end := bytes.IndexByte(svg[open:], '>')
	if end < 0 {
		return svg
	}
	at := open + end + 1
	title := []byte("\n<title>" + html.EscapeString(chartDescription(d)) + "</title>")
	return append(svg[:at:at], append(title, svg[at:]...)...)
}

// chartDescription says in words what the chart shows; it is the SVG's
// title and the page's alt text.
func chartDescription(d chartData) string {
	var b strings.Builder
	b.WriteString("Chart of " + d.title + ": ")
	b.WriteString(strconv.Itoa(len(d.history)) + " history points, " + strconv.Itoa(len(d.predictions)) + " predictions")
	if n := len(d.predictions); n > 0 {
		b.WriteString(" from " + d.predictions[0].Period + " to " + d.predictions[n-1].Period)
	}
	if d.capacity != nil {
		b.WriteString(", capacity " + formatNumber(*d.capacity))
		if d.yLabel != "value" {
			b.WriteString(" " + d.yLabel)
		}
	}
	var periods []string
	for _, pr := range d.predictions {
		if d.bottlenecks[pr.Period] {
			periods = append(periods, pr.Period)
		}
	}
	if len(periods) > 0 {
		b.WriteString(", bottlenecks in " + strings.Join(periods, ", "))
	}
	if d.note != "" {
		b.WriteString(" (" + d.note + ")")
	}
	return b.String() + "."
}

// formatNumber writes v briefly: integers without decimals, others with at
// most six significant digits.
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}
