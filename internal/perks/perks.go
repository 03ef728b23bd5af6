// Package perks hands entrants unexpected extras: a pool of unique coupon
// codes per campaign, uploaded as CSV, each handed out once, one per
// entrant, at the stage the campaign chose (received, live or close).
package perks

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
)

// Errors callers can test with errors.Is.
var (
	ErrEmpty    = errors.New("the perk pool is empty")
	ErrNotFound = errors.New("no perk claimed")
	ErrBadFile  = errors.New("the code file has problems")
)

// Limits on an upload.
const (
	MaxCodes   = 100_000
	MaxCodeLen = 64
)

// Claim is the code one entrant was handed.
type Claim struct {
	CampaignID string
	EntrantID  string
	Code       string
	At         time.Time
}

// Stats are a pool's size and how much of it is handed out.
type Stats struct {
	Total, Claimed int
}

// Left is how many codes are still to hand out.
func (s Stats) Left() int { return s.Total - s.Claimed }

// Low reports whether the pool is running low: under a tenth of it, or
// under ten codes, left.
func (s Stats) Low() bool { return s.Total > 0 && (s.Left()*10 < s.Total || s.Left() < 10) }

// Store keeps the pools and who got which code.
type Store interface {
	// Add puts codes in a campaign's pool; codes already in it are
	// returned and not added.
	Add(ctx context.Context, campaignID string, codes []string, at time.Time) (taken []string, err error)
	// Claim hands the entrant a code no one else has, or returns the one
	// they already have; ErrEmpty when none is left. Safe under any number
	// of concurrent claims: a code is taken by inserting a unique key.
	Claim(ctx context.Context, campaignID, entrantID string, at time.Time) (Claim, error)
	ClaimOf(ctx context.Context, campaignID, entrantID string) (Claim, error)
	ClaimsOf(ctx context.Context, entrantID string) ([]Claim, error)
	Stats(ctx context.Context, campaignID string) (Stats, error)
}

// LineError is what is wrong with one line of an uploaded file.
type LineError struct {
	Line    int
	Problem string
}

// FileError lists every bad line of an upload; nothing was added.
type FileError []LineError

func (f FileError) Error() string {
	parts := make([]string, 0, len(f))
	for _, l := range f {
		parts = append(parts, fmt.Sprintf("line %d: %s", l.Line, l.Problem))
	}
	return strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrBadFile) match.
func (f FileError) Unwrap() error { return ErrBadFile }

// ParseCSV reads one code per line (the first column of a CSV without
// quoted commas; a first line "code" is a header). Empty codes, duplicates, codes with spaces or
// control characters, and over-long codes are reported by line, all of
// them, as a FileError.
func ParseCSV(r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	var codes []string
	var bad FileError
	first := map[string]int{}
	for line := 1; sc.Scan(); line++ {
		// The first column; Go's csv reader would skip empty lines, which
		// must be reported by their number.
		code, _, _ := strings.Cut(sc.Text(), ",")
		code = strings.Trim(strings.TrimSpace(code), `"`)
		if line == 1 && strings.EqualFold(code, "code") {
			continue
		}
		switch {
		case code == "":
			bad = append(bad, LineError{line, "empty code"})
		case len(code) > MaxCodeLen:
			bad = append(bad, LineError{line, fmt.Sprintf("code longer than %d characters", MaxCodeLen)})
		case strings.IndexFunc(code, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			bad = append(bad, LineError{line, "a code cannot contain spaces"})
		case first[code] > 0:
			bad = append(bad, LineError{line, fmt.Sprintf("%s repeats line %d", code, first[code])})
		default:
			first[code] = line
			codes = append(codes, code)
		}
		if len(codes) > MaxCodes {
			return nil, FileError{{line, fmt.Sprintf("more than %d codes in one file", MaxCodes)}}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, FileError{{len(codes) + len(bad) + 1, "not readable (" + err.Error() + ")"}}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	if len(codes) == 0 {
		return nil, FileError{{1, "no codes in the file"}}
	}
	return codes, nil
}

// Giver hands out perks for the notifier: the entrant's code, claimed the
// first time it is asked for.
type Giver struct {
	Store Store
	Now   func() time.Time
	// Low is told when a claim leaves the pool running low or empty.
	Low func(campaignID string, s Stats)
}

// Give returns the entrant's code for the campaign; ok false when the
// campaign has no pool or it ran out.
func (g *Giver) Give(ctx context.Context, campaignID, entrantID string) (string, bool, error) {
	c, err := g.Store.Claim(ctx, campaignID, entrantID, g.Now())
	if errors.Is(err, ErrEmpty) {
		if s, err := g.Store.Stats(ctx, campaignID); err == nil && s.Total > 0 && g.Low != nil {
			g.Low(campaignID, s)
		}
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if s, err := g.Store.Stats(ctx, campaignID); err == nil && s.Low() && g.Low != nil {
		g.Low(campaignID, s)
	}
	return c.Code, true, nil
}
