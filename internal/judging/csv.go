package judging

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// Sheets as a spreadsheet: one row per sheet.

// CSVRow names what a round's CSV shows of a sheet beyond the sheet.
type CSVRow struct {
	Sheet
	Title string  // the entry's title
	Judge string  // the judge's email
	Z     float64 // the sheet's normalised score
}

// WriteCSV writes a round's sheets as RFC 4180 CSV (CRLF line ends) with a
// header row: entry, title, judge, conflict, one column per criterion,
// raw, normalised, comment, scored at. Text that a spreadsheet would take
// for a formula is escaped.
func WriteCSV(w io.Writer, setup Setup, rows []CSVRow) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := []string{"entry_id", "entry_title", "judge", "conflict"}
	for _, c := range setup.Criteria {
		head = append(head, Cell(c.Name))
	}
	if err := cw.Write(append(head, "raw_weighted", "normalised_z", "comment", "scored_at")); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{Cell(r.EntryID), Cell(r.Title), Cell(r.Judge), strconv.FormatBool(r.Conflict)}
		for _, c := range setup.Criteria {
			v := ""
			if !r.Conflict {
				v = strconv.Itoa(r.Values[c.Key])
			}
			rec = append(rec, v)
		}
		raw, z := "", ""
		if !r.Conflict {
			raw = strconv.FormatFloat(setup.Raw(r.Values), 'f', 2, 64)
			z = strconv.FormatFloat(r.Z, 'f', 3, 64)
		}
		rec = append(rec, raw, z, Cell(r.Comment), r.At.UTC().Format(time.RFC3339))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Cell makes text safe for a spreadsheet cell: text starting with = + - @
// (or a tab or carriage return, which some programs skip before one) gets
// a leading apostrophe, so it is shown, never run as a formula.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
