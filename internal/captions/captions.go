// Package captions takes the captions file an entrant adds to an entry:
// WebVTT text, bounded in size (Read, Check), accepted while the entry is
// not yet live and once its video is processed, and stored beside the
// entry's renditions (Service).
package captions

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/tryout/tryout/internal/problem"
)

// MaxBytes bounds a captions file.
const MaxBytes = 256 << 10

// Refusals; each comes as a *problem.Error with its text for people.
var (
	ErrTooLarge = errors.New("captions: file too large")
	ErrInvalid  = errors.New("captions: not a WebVTT file")
	ErrCutOff   = errors.New("captions: the upload was cut off")
)

// Read reads a whole captions file from r, refusing one over MaxBytes
// (ErrTooLarge) without reading more than one byte past the limit. A read
// failure is ErrCutOff, wrapping the reader's error.
func Read(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", problem.New(ErrCutOff, "The captions upload was cut off. Please try again."), err)
	}
	if len(b) > MaxBytes {
		return nil, problem.New(ErrTooLarge, "Captions files can be up to 256 KB.")
	}
	return b, nil
}

// Check accepts UTF-8 text whose first line is WEBVTT (after an optional
// byte order mark) with at least one cue timing line and no NUL byte;
// anything else is ErrInvalid saying what is wrong.
func Check(b []byte) error {
	if !utf8.Valid(b) {
		return problem.New(ErrInvalid, "That is not a WebVTT captions file (not UTF-8 text). Export captions as .vtt and try again.")
	}
	s := strings.TrimPrefix(string(b), "\ufeff")
	first, _, _ := strings.Cut(s, "\n")
	if !strings.HasPrefix(strings.TrimRight(first, "\r"), "WEBVTT") {
		return problem.New(ErrInvalid, "That is not a WebVTT captions file (it must start with WEBVTT). Export captions as .vtt and try again.")
	}
	if !strings.Contains(s, "-->") {
		return problem.New(ErrInvalid, "That is not a WebVTT captions file (it has no cues). Export captions as .vtt and try again.")
	}
	if strings.ContainsRune(s, 0) {
		return problem.New(ErrInvalid, "That is not a WebVTT captions file (it contains a NUL byte). Export captions as .vtt and try again.")
	}
	return nil
}
