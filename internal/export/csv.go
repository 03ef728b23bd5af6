// Package export writes a campaign's data as CSV: RFC 4180 (quoted where
// needed, CRLF line ends), UTF-8 with a byte order mark so spreadsheets
// read accents right, streamed row by row from a database cursor and
// flushed as it goes, so memory does not grow with the rows. Every cell
// that a spreadsheet would read as a formula (starting with = + - @, a tab
// or a carriage return) is escaped with a leading apostrophe.
package export

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// BOM starts every file: Excel reads a CSV without it as the local code page.
const BOM = "\ufeff"

// flushEvery is how many rows are buffered before they go to the client.
const flushEvery = 256

// Writer writes rows, escaping formula cells and flushing as it goes.
type Writer struct {
	w     *csv.Writer
	f     http.Flusher // the response, when it can flush
	n     int
	cells []string
}

// NewWriter starts a CSV file on w with the BOM and the header.
func NewWriter(w io.Writer, header ...string) (*Writer, error) {
	if _, err := io.WriteString(w, BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	out := &Writer{w: cw}
	out.f, _ = w.(http.Flusher)
	return out, out.Row(header...)
}

// Row writes one record.
func (w *Writer) Row(cells ...string) error {
	w.cells = w.cells[:0]
	for _, c := range cells {
		w.cells = append(w.cells, Safe(c))
	}
	if err := w.w.Write(w.cells); err != nil {
		return err
	}
	w.n++
	if w.n%flushEvery == 0 {
		return w.Flush()
	}
	return nil
}

// Rows is how many records were written, the header included.
func (w *Writer) Rows() int { return w.n }

// Flush sends what is buffered on to the client.
func (w *Writer) Flush() error {
	w.w.Flush()
	if err := w.w.Error(); err != nil {
		return err
	}
	if w.f != nil {
		w.f.Flush()
	}
	return nil
}

// Safe escapes a cell a spreadsheet would run as a formula (OWASP's CSV
// injection advice): a leading = + - @ tab or carriage return gets an
// apostrophe in front, so it shows as text.
func Safe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Time is a cell for a time: RFC 3339 in UTC, "" for none.
func Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Int is a cell for a number.
func Int[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// Bool is "yes" or "no".
func Bool(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Filename is the download's name: campaign slug, what, date.
func Filename(slug, what string, now time.Time) string {
	slug = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, slug)
	return slug + "-" + what + "-" + now.UTC().Format("20060102") + ".csv"
}
