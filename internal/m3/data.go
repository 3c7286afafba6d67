// Package m3 reads the M3 forecasting competition's series, their true
// futures and the forecasts the competition's entries submitted (Makridakis &
// Hibon, "The M3-Competition: results, conclusions and implications",
// International Journal of Forecasting 16, 2000), as testdata/m3 holds them,
// and scores forecasts the way the competition did.
package m3

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Series is one series of the competition.
type Series struct {
	ID string
	// Period is MONTHLY, QUARTERLY or YEARLY.
	Period string
	// Type is MICRO, INDUSTRY, MACRO, FINANCE, DEMOGRAPHIC or OTHER.
	Type string
	// StartYear and StartStep (the first month or quarter, from 1) date the
	// first value.
	StartYear, StartStep int
	// Frequency is the number of values a year: 12, 4 or 1.
	Frequency   int
	Description string
	// History is what a forecaster is given; Future is what happened next.
	History, Future []float64
}

// Labels returns the period label of the history's values followed by the
// future's: "YYYY-MM" for months, "YYYY-Qn" for quarters, "YYYY" for years.
func (s Series) Labels() []string {
	n := len(s.History) + len(s.Future)
	out := make([]string, n)
	for i := range out {
		step := s.StartStep - 1 + i
		switch s.Frequency {
		case 12:
			out[i] = fmt.Sprintf("%04d-%02d", s.StartYear+step/12, step%12+1)
		case 4:
			out[i] = fmt.Sprintf("%04d-Q%d", s.StartYear+step/4, step%4+1)
		default:
			out[i] = fmt.Sprintf("%04d", s.StartYear+i)
		}
	}
	return out
}

// Kind is the operator's name for the series' period: month, quarter or year.
func (s Series) Kind() string {
	switch s.Frequency {
	case 12:
		return "month"
	case 4:
		return "quarter"
	default:
		return "year"
	}
}

// Dataset is the series and the competitors' forecasts for them.
type Dataset struct {
	// Series in the order of series.csv.
	Series []Series
	// Methods are the competitors, in the order competitors.csv first names
	// them.
	Methods []string
	// Forecasts[method][id] is what method forecast for the series id, one
	// value per step of its future.
	Forecasts map[string]map[string][]float64
}

// Load reads series.csv.gz, history.csv.gz, future.csv.gz and
// competitors.csv.gz from dir (uncompressed .csv files are read when the
// compressed ones are missing, so the folder the data was extracted to
// works too).
func Load(dir string) (*Dataset, error) {
	d := &Dataset{Forecasts: map[string]map[string][]float64{}}
	index := map[string]int{}
	err := readTable(dir, "series", []string{"id", "period", "type", "start_year", "start_step", "frequency", "n", "h", "description"}, func(r []string) error {
		var s Series
		s.ID, s.Period, s.Type, s.Description = r[0], r[1], r[2], r[8]
		var n, h int
		if err := atoiAll([]string{r[3], r[4], r[5], r[6], r[7]}, &s.StartYear, &s.StartStep, &s.Frequency, &n, &h); err != nil {
			return err
		}
		s.History, s.Future = make([]float64, 0, n), make([]float64, 0, h)
		index[s.ID] = len(d.Series)
		d.Series = append(d.Series, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	appendTo := func(field func(*Series) *[]float64) func([]string) error {
		return func(r []string) error {
			i, ok := index[r[0]]
			if !ok {
				return fmt.Errorf("series %q is not in series.csv", r[0])
			}
			return appendValue(field(&d.Series[i]), r[1], r[2])
		}
	}
	if err := readTable(dir, "history", []string{"id", "t", "value"}, appendTo(func(s *Series) *[]float64 { return &s.History })); err != nil {
		return nil, err
	}
	if err := readTable(dir, "future", []string{"id", "step", "value"}, appendTo(func(s *Series) *[]float64 { return &s.Future })); err != nil {
		return nil, err
	}
	err = readTable(dir, "competitors", []string{"method", "id", "step", "value"}, func(r []string) error {
		byID, ok := d.Forecasts[r[0]]
		if !ok {
			byID = map[string][]float64{}
			d.Forecasts[r[0]] = byID
			d.Methods = append(d.Methods, r[0])
		}
		values := byID[r[1]]
		if err := appendValue(&values, r[2], r[3]); err != nil {
			return err
		}
		byID[r[1]] = values
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, d.check()
}

// check verifies that every series has a history and a future.
func (d *Dataset) check() error {
	for _, s := range d.Series {
		if len(s.History) == 0 || len(s.Future) == 0 {
			return fmt.Errorf("series %s has %d history and %d future values", s.ID, len(s.History), len(s.Future))
		}
	}
	return nil
}

// appendValue appends value to *values after checking that step (from 1)
// is the next position.
func appendValue(values *[]float64, step, value string) error {
	t, err := strconv.Atoi(step)
	if err != nil {
		return err
	}
	if t != len(*values)+1 {
		return fmt.Errorf("step %d follows step %d", t, len(*values))
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return err
	}
	*values = append(*values, v)
	return nil
}

func atoiAll(fields []string, into ...*int) error {
	for i, f := range fields {
		v, err := strconv.Atoi(f)
		if err != nil {
			return err
		}
		*into[i] = v
	}
	return nil
}

// readTable calls row for each record of dir/name.csv.gz (or dir/name.csv)
// after checking its header.
func readTable(dir, name string, header []string, row func([]string) error) (err error) {
	r, closeFile, err := open(dir, name)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeFile()) }()
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	got, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if strings.Join(got, ",") != strings.Join(header, ",") {
		return fmt.Errorf("%s: header is %q, want %q", name, strings.Join(got, ","), strings.Join(header, ","))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := row(rec); err != nil {
			line, _ := cr.FieldPos(0)
			return fmt.Errorf("%s line %d: %w", name, line, err)
		}
	}
}

func open(dir, name string) (io.Reader, func() error, error) {
	f, err := os.Open(filepath.Join(dir, name+".csv.gz"))
	if errors.Is(err, os.ErrNotExist) {
		plain, err := os.Open(filepath.Join(dir, name+".csv"))
		if err != nil {
			return nil, nil, err
		}
		return plain, plain.Close, nil
	}
	if err != nil {
		return nil, nil, err
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("%s: %w", name, err), f.Close())
	}
	return z, func() error { return errors.Join(z.Close(), f.Close()) }, nil
}
