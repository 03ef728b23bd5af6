package intake

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
)

func TestAge(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse("2006-01-02", s); return v }
	for _, tt := range []struct {
		born, now string
		want      int
	}{
		{"2000-05-17", "2018-05-16", 17},
		{"2000-05-17", "2018-05-17", 18},
		{"2000-02-29", "2018-02-28", 17},
		{"2000-02-29", "2018-03-01", 18},
		{"2000-12-31", "2001-01-01", 0},
	} {
		if got := age(d(tt.born), d(tt.now)); got != tt.want {
			t.Errorf("age(%s, %s) = %d, want %d", tt.born, tt.now, got, tt.want)
		}
	}
}

func TestPartSize(t *testing.T) {
	for _, tt := range []struct{ size, want int64 }{
		{1, 5 << 20}, {13 << 20, 5 << 20}, {5 << 20 * 10000, 5 << 20}, {5<<20*10000 + 1, 10 << 20}, {100 << 30, 20 << 20},
	} {
		got := partSize(tt.size)
		if got != tt.want || (tt.size+got-1)/got > 10000 {
			t.Errorf("partSize(%d) = %d, want %d", tt.size, got, tt.want)
		}
	}
	up := &entries.Upload{Size: 13 << 20, PartSize: 5 << 20, PartCount: 3}
	if expectedPartSize(up, 1) != 5<<20 || expectedPartSize(up, 3) != 3<<20 {
		t.Error("expectedPartSize wrong for the last part")
	}
}

func TestCapReader(t *testing.T) {
	c := &capReader{r: strings.NewReader(strings.Repeat("x", 100)), left: 100}
	if b, err := io.ReadAll(c); err != nil || len(b) != 100 || c.over {
		t.Errorf("exactly at the limit: %d bytes, %v, over=%v", len(b), err, c.over)
	}
	c = &capReader{r: strings.NewReader(strings.Repeat("x", 101)), left: 100}
	if _, err := io.ReadAll(c); !errors.Is(err, ErrTooLarge) || !c.over {
		t.Errorf("one byte over: %v over=%v", err, c.over)
	}
}

func TestCleanFilename(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":          "passwd",
		`C:\Users\me\clip.mov`:      "clip.mov",
		"bad\x00name\r\n.mp4":       "badname.mp4",
		strings.Repeat("é", 300):    strings.Repeat("é", 200),
		"ordinary name (final).mp4": "ordinary name (final).mp4",
	} {
		if got := cleanFilename(in); got != want {
			t.Errorf("cleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}
