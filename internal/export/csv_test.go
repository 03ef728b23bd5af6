package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

func TestSafeEscapesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2":                   "'=1+2",
		"+31 6 1234":             "'+31 6 1234",
		"-2":                     "'-2",
		"@SUM(A1)":               "'@SUM(A1)",
		"\tcmd":                  "'\tcmd",
		"\r=x":                   "'\r=x",
		"plain":                  "plain",
		"a=b":                    "a=b",
		"":                       "",
		"'already":               "'already",
		"Zoë's vidéo ✓":          "Zoë's vidéo ✓",
		`=HYPERLINK("http://x")`: `'=HYPERLINK("http://x")`,
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriterIsRFC4180: BOM, header, CRLF line ends, quoting of commas,
// quotes and line breaks, UTF-8 kept; read back by a strict CSV reader.
func TestWriterIsRFC4180(t *testing.T) {
	var b bytes.Buffer
	w, err := NewWriter(&b, "id", "title")
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{{"1", `say "hi", then`}, {"2", "two\nlines"}, {"3", "Zoë ✓"}, {"4", "=cmd|' /C calc'!A0"}}
	for _, r := range rows {
		if err := w.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := finish(w, nil); err != nil || n != 4 {
		t.Fatalf("finish = %d, %v", n, err)
	}
	out := b.String()
	if !strings.HasPrefix(out, BOM+"id,title\r\n") {
		t.Fatalf("start: %q", out[:20])
	}
	if !strings.Contains(out, "1,\"say \"\"hi\"\", then\"\r\n") || !strings.Contains(out, "\"two\r\nlines\"") {
		t.Errorf("quoting: %q", out)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, BOM)))
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[3][1] != "Zoë ✓" || got[2][1] != "two\nlines" || got[4][1] != "'=cmd|' /C calc'!A0" {
		t.Errorf("read back: %q", got)
	}
}

func TestFilename(t *testing.T) {
	if got := Filename(`sum"mer/../x`, "ballots", mustDate("2026-03-04")); got != "summerx-ballots-20260304.csv" {
		t.Errorf("Filename = %q", got)
	}
}

func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}
