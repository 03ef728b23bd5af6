package captions_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/tryout/tryout/internal/captions"
	"github.com/tryout/tryout/internal/problem"
)

const good = "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		why      string // "" when accepted
	}{
		{"plain", good, ""},
		{"byte order mark and CRLF", "\ufeffWEBVTT - a title\r\n\r\n00:00.000 --> 00:01.000\r\nHi\r\n", ""},
		{"not UTF-8", "WEBVTT\n\n00:00.000 --> 00:01.000\n\xff\xfe\n", "not UTF-8 text"},
		{"SubRip", "1\n00:00:00,000 --> 00:00:01,000\nHello\n", "it must start with WEBVTT"},
		{"header on a later line", "\nWEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", "it must start with WEBVTT"},
		{"no cues", "WEBVTT\n\nNOTE nothing here\n", "it has no cues"},
		{"empty", "", "it must start with WEBVTT"},
		{"NUL byte", "WEBVTT\n\n00:00.000 --> 00:01.000\nHi\x00\n", "it contains a NUL byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := captions.Check([]byte(tc.in))
			if tc.why == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, captions.ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
			want := "That is not a WebVTT captions file (" + tc.why + "). Export captions as .vtt and try again."
			if got := problem.TextOf(err, ""); got != want {
				t.Errorf("text %q, want %q", got, want)
			}
		})
	}
}

func TestRead(t *testing.T) {
	b, err := captions.Read(strings.NewReader(good))
	if err != nil || string(b) != good {
		t.Fatalf("read %q %v", b, err)
	}
	exact := bytes.Repeat([]byte("a"), captions.MaxBytes)
	if b, err := captions.Read(bytes.NewReader(exact)); err != nil || len(b) != captions.MaxBytes {
		t.Fatalf("a file of exactly MaxBytes: %d %v", len(b), err)
	}
	_, err = captions.Read(bytes.NewReader(append(exact, 'a')))
	if !errors.Is(err, captions.ErrTooLarge) || problem.TextOf(err, "") != "Captions files can be up to 256 KB." {
		t.Fatalf("one byte over: %v", err)
	}
	reset := errors.New("connection reset")
	_, err = captions.Read(iotest.ErrReader(reset))
	if !errors.Is(err, captions.ErrCutOff) || !errors.Is(err, reset) || errors.Is(err, captions.ErrTooLarge) || errors.Is(err, captions.ErrInvalid) {
		t.Fatalf("a failed read: %v", err)
	}
}

func FuzzCheck(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("WEBVTT\n-->"))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := captions.Check(b)
		if err != nil && (!errors.Is(err, captions.ErrInvalid) || problem.TextOf(err, "") == "") {
			t.Fatalf("a refusal without its text: %v", err)
		}
	})
}
