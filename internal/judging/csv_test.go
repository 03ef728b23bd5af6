package judging_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/judging"
)

func TestCSVEscapesFormulas(t *testing.T) {
	s := rubric()
	_ = s.Validate()
	s.Criteria[1].Name = "=SUM(A1)"
	at := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	rows := []judging.CSVRow{
		{Sheet: judging.Sheet{EntryID: "en_1", Values: map[string]int{"c1": 8, "c2": 7, "c3": 2}, Comment: "=HYPERLINK(\"http://x\")\nsecond line, \"quoted\"", At: at},
			Title: "+cmd|' /C calc'!A0", Judge: "@judge@example.com", Z: -0.5},
		{Sheet: judging.Sheet{EntryID: "en_2", Conflict: true, At: at}, Title: "-minus", Judge: "j2@example.com"},
	}
	var b bytes.Buffer
	if err := judging.WriteCSV(&b, s, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\r\n") {
		t.Error("not CRLF")
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"entry_id", "entry_title", "judge", "conflict", "Creativity", "'=SUM(A1)", "Brand fit", "raw_weighted", "normalised_z", "comment", "scored_at"},
		{"en_1", "'+cmd|' /C calc'!A0", "'@judge@example.com", "false", "8", "7", "2", "26.00", "-0.500", "'=HYPERLINK(\"http://x\")\nsecond line, \"quoted\"", "2026-02-01T12:00:00Z"},
		{"en_2", "'-minus", "j2@example.com", "true", "", "", "", "", "", "", "2026-02-01T12:00:00Z"},
	}
	if len(recs) != len(want) {
		t.Fatalf("rows: %q", recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, recs[i], want[i])
		}
	}
	for in, out := range map[string]string{"": "", "plain": "plain", "\tx": "'\tx", "a=b": "a=b"} {
		if got := judging.Cell(in); got != out {
			t.Errorf("Cell(%q) = %q", in, got)
		}
	}
}
