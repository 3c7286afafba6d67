package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"unicode"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// Point is one observation of a Forecast's history.
type Point struct {
	// Period labels the observation, e.g. 2025-03.
	Period string
	// Value observed in that period.
	Value float64
}

// HistoryLoader returns the history of a Forecast that reads it from a
// ConfigMap (spec.historyFrom). The informer cache holds ConfigMaps as
// metadata only, so their data is not at hand: without a loader such a
// chart shows the predictions alone and says so.
type HistoryLoader func(ctx context.Context, fc *v1.Forecast) ([]Point, error)

// Chart geometry, in points; the SVG scales to its container.
const (
	chartWidth   = 9 * vg.Inch
	chartHeight  = 4 * vg.Inch
	legendWidth  = 1.9 * vg.Inch
	tickFontSize = 9
	// chartVersion changes when the drawing changes, so cached charts are
	// not reused across versions (it is part of the ETag).
	chartVersion = "1"
)

// Okabe-Ito colours: told apart with every common colour-vision deficiency.
var (
	historyColor    = color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}
	predictionColor = color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}
	bandColor       = color.NRGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0x55}
	capacityColor   = color.RGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xFF}
	bottleneckColor = color.RGBA{R: 0xB0, G: 0x1E, B: 0x1E, A: 0xFF}
	spanColor       = color.NRGBA{R: 0xCC, G: 0x79, B: 0xA7, A: 0x33}
	gridColor       = color.Gray{Y: 0xDD}
	textFont        = font.Font{Typeface: "Liberation", Variant: "Sans"}
)

// chartData is what a chart shows.
type chartData struct {
	title, yLabel, xLabel string
	note                  string // shown under the title, e.g. why history is missing
	history               []Point
	predictions           []Prediction
	capacity              *float64
	bottlenecks           map[string]bool // periods with a bottleneck
}

// chartDataOf gathers a Forecast's chart; history is the observed series
// (nil when unknown) and note says why it is missing.
func chartDataOf(fc *v1.Forecast, history []Point, note string) chartData {
	d := chartData{
		title:       chartTitle(fc),
		yLabel:      fc.Spec.Unit,
		xLabel:      strings.ToUpper(periodOf(fc)[:1]) + periodOf(fc)[1:],
		note:        note,
		history:     history,
		predictions: predictionViews(fc.Status.Predictions),
		capacity:    decimalPtr(fc.Spec.Capacity),
		bottlenecks: map[string]bool{},
	}
	if d.yLabel == "" {
		d.yLabel = "value"
	}
	for _, b := range fc.Status.Bottlenecks {
		if b.Period != "" {
			d.bottlenecks[printable(b.Period)] = true
		}
	}
	d.title, d.yLabel = printable(d.title), printable(d.yLabel)
	d.history = slices.Clone(d.history)
	for i := range d.history {
		d.history[i].Period = printable(d.history[i].Period)
	}
	for i := range d.predictions {
		d.predictions[i].Period = printable(d.predictions[i].Period)
	}
	return d
}

// printable replaces control characters, which XML does not allow in an SVG
// (and the API does not forbid in a region or a period label), with spaces.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

func chartTitle(fc *v1.Forecast) string {
	if fc.Spec.Subject == "" {
		return fc.Spec.Region
	}
	return fc.Spec.Region + " — " + fc.Spec.Subject
}

// inlineHistory reads spec.history; points that are not numbers are
// skipped (the CRD's pattern refuses them anyway).
func inlineHistory(fc *v1.Forecast) []Point {
	out := make([]Point, 0, len(fc.Spec.History))
	for _, p := range fc.Spec.History {
		if v, ok := parseDecimal(p.Value); ok {
			out = append(out, Point{Period: p.Period, Value: v})
		}
	}
	return out
}

// renderChart draws the chart as an SVG document.
func renderChart(d chartData) (svg []byte, err error) {
	defer func() { // gonum/plot panics on a few impossible inputs; never take the server down
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing the chart: %v", r)
		}
	}()
	p, legend := buildPlot(d)
	canvas := vgsvg.New(chartWidth, chartHeight)
	dc := draw.Crop(draw.New(canvas), vg.Points(4), 0, 0, -vg.Points(8)) // margins
	if legend == nil {
		p.Draw(dc)
	} else {
		p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))
		legend.Draw(draw.Crop(dc, chartWidth-legendWidth+vg.Points(8), 0, 0, -vg.Points(32)))
	}
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, err
	}
	return polishSVG(buf.Bytes(), d), nil
}

// buildPlot lays the series out on one x axis: history at 0..n-1, the
// predictions after it. It returns a nil legend when there is nothing to plot.
func buildPlot(d chartData) (*plot.Plot, *plot.Legend) {
	p := plot.New()
	styleText(p)
	p.Title.Text = d.title
	if d.note != "" {
		p.Title.Text += "\n" + d.note
	}
	labels := make([]string, 0, len(d.history)+len(d.predictions))
	for _, h := range d.history {
		labels = append(labels, h.Period)
	}
	for _, pr := range d.predictions {
		labels = append(labels, pr.Period)
	}
	if len(labels) == 0 {
		emptyPlot(p)
		return p, nil
	}
	p.X.Label.Text, p.Y.Label.Text = d.xLabel, d.yLabel
	p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
	p.Y.Min, p.Y.Max = yRange(d)
	p.X.Tick.Marker = periodTicker{labels: labels, anchor: len(d.history), max: maxTicks(labels)}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = gridColor, gridColor
	p.Add(grid)

	legend := plot.NewLegend()
	legend.TextStyle.Font = font.From(textFont, 10)
	legend.Top, legend.Left = true, true
	legend.Padding, legend.ThumbnailWidth = vg.Points(6), vg.Points(22)
	span := addSpans(p, d)
	addPredictions(p, &legend, d)
	addCapacity(p, &legend, d)
	addHistory(p, &legend, d)
	addBottleneckMarks(p, &legend, d, span)
	return p, &legend
}

func styleText(p *plot.Plot) {
	p.Title.TextStyle.Font = font.From(textFont, 13)
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(textFont, 11)
		a.Tick.Label.Font = font.From(textFont, tickFontSize)
	}
}

// emptyPlot says there is nothing to draw, in the middle of the chart.
func emptyPlot(p *plot.Plot) {
	p.HideAxes()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	labels, _ := plotter.NewLabels(plotter.XYLabels{
		XYs:    plotter.XYs{{X: 0.5, Y: 0.5}},
		Labels: []string{"No history or predictions to plot yet"},
	})
	labels.TextStyle[0].Font = font.From(textFont, 12)
	labels.TextStyle[0].XAlign = draw.XCenter
	p.Add(labels)
}

// yRange spans every value, bound and the capacity, with a margin so that
// nothing sits on the frame.
func yRange(d chartData) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	see := func(v float64) { lo, hi = min(lo, v), max(hi, v) }
	for _, h := range d.history {
		see(h.Value)
	}
	for _, pr := range d.predictions {
		see(pr.Lower)
		see(pr.Value)
		see(pr.Upper)
	}
	if d.capacity != nil {
		see(*d.capacity)
	}
	margin := (hi - lo) * 0.08
	if margin == 0 {
		margin = math.Max(math.Abs(hi)*0.1, 1)
	}
	return lo - margin, hi + margin
}

// addSpans shades the bottleneck periods from top to bottom and returns
// one of the shades for the legend, nil when there is none.
func addSpans(p *plot.Plot, d chartData) (shade *plotter.Polygon) {
	offset := len(d.history)
	for i, pr := range d.predictions {
		if !d.bottlenecks[pr.Period] {
			continue
		}
		x := float64(offset + i)
		span, err := plotter.NewPolygon(plotter.XYs{{X: x - 0.45, Y: p.Y.Min}, {X: x + 0.45, Y: p.Y.Min},
			{X: x + 0.45, Y: p.Y.Max}, {X: x - 0.45, Y: p.Y.Max}})
		if err != nil {
			continue
		}
		span.Color, span.LineStyle.Width = spanColor, 0
		p.Add(span)
		shade = span
	}
	return shade
}

// addPredictions draws the interval band and the point forecasts; the
// line starts at the last observation so that the series read as one.
func addPredictions(p *plot.Plot, legend *plot.Legend, d chartData) {
	if len(d.predictions) == 0 {
		return
	}
	offset := len(d.history)
	band := make(plotter.XYs, 0, 2*len(d.predictions))
	for i, pr := range d.predictions {
		band = append(band, plotter.XY{X: float64(offset + i), Y: pr.Lower})
	}
	for i := len(d.predictions) - 1; i >= 0; i-- {
		band = append(band, plotter.XY{X: float64(offset + i), Y: d.predictions[i].Upper})
	}
	if poly, err := plotter.NewPolygon(band); err == nil {
		poly.Color, poly.LineStyle.Width = bandColor, 0
		p.Add(poly)
		legend.Add("Prediction interval", poly)
	}
	line := make(plotter.XYs, 0, len(d.predictions)+1)
	if offset > 0 {
		line = append(line, plotter.XY{X: float64(offset - 1), Y: d.history[offset-1].Value})
	}
	for i, pr := range d.predictions {
		line = append(line, plotter.XY{X: float64(offset + i), Y: pr.Value})
	}
	l, err := plotter.NewLine(line)
	if err != nil {
		return
	}
	l.Color, l.Width, l.Dashes = predictionColor, vg.Points(2), []vg.Length{vg.Points(6), vg.Points(3)}
	points, err := plotter.NewScatter(line[len(line)-len(d.predictions):])
	if err != nil {
		return
	}
	points.GlyphStyle = draw.GlyphStyle{Color: predictionColor, Radius: glyphRadius(d, 2.5), Shape: draw.CircleGlyph{}}
	p.Add(l, points)
	legend.Add("Prediction", l, points)
}

// addCapacity draws the capacity as a dashed horizontal line.
func addCapacity(p *plot.Plot, legend *plot.Legend, d chartData) {
	if d.capacity == nil {
		return
	}
	l, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: *d.capacity}, {X: p.X.Max, Y: *d.capacity}})
	if err != nil {
		return
	}
	l.Color, l.Width, l.Dashes = capacityColor, vg.Points(1.5), []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(l)
	legend.Add("Capacity "+formatNumber(*d.capacity), l)
}

func addHistory(p *plot.Plot, legend *plot.Legend, d chartData) {
	if len(d.history) == 0 {
		return
	}
	xy := make(plotter.XYs, len(d.history))
	for i, h := range d.history {
		xy[i] = plotter.XY{X: float64(i), Y: h.Value}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return
	}
	l.Color, l.Width = historyColor, vg.Points(2)
	p.Add(l)
	legend.Add("History", l)
}

// addBottleneckMarks marks the predictions of bottleneck periods with a
// filled triangle, so they stand out without relying on colour; shade is
// the period's shading, shown with it in the legend.
func addBottleneckMarks(p *plot.Plot, legend *plot.Legend, d chartData, shade *plotter.Polygon) {
	offset := len(d.history)
	var marks plotter.XYs
	for i, pr := range d.predictions {
		if d.bottlenecks[pr.Period] {
			marks = append(marks, plotter.XY{X: float64(offset + i), Y: pr.Value})
		}
	}
	if len(marks) == 0 {
		return
	}
	s, err := plotter.NewScatter(marks)
	if err != nil {
		return
	}
	s.GlyphStyle = draw.GlyphStyle{Color: bottleneckColor, Radius: glyphRadius(d, 5), Shape: draw.PyramidGlyph{}}
	p.Add(s)
	if shade != nil {
		legend.Add("Bottleneck period", shade, s)
	} else {
		legend.Add("Bottleneck period", s)
	}
}

// glyphRadius shrinks markers when many predictions share the axis, so
// that they do not run together.
func glyphRadius(d chartData, r float64) vg.Length {
	if len(d.predictions) > 18 {
		r *= 0.6
	}
	return vg.Points(r)
}
