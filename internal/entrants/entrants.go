// Package entrants holds the people who enter contests: their accounts,
// passwordless sign-in links that work once and expire, and sessions.
package entrants

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound     = errors.New("entrant not found")
	ErrInvalidEmail = errors.New("invalid email address")
	ErrLinkInvalid  = errors.New("sign-in link is not valid")
	ErrLinkExpired  = errors.New("sign-in link has expired")
	ErrLinkUsed     = errors.New("sign-in link was already used")
	ErrNoSession    = errors.New("not signed in")
)

// IDPrefix starts every entrant id.
const IDPrefix = "et_"

// Entrant is one person who enters contests.
type Entrant struct {
	ID          string
	Email       string
	DisplayName string
	CreatedAt   time.Time
}

// Store keeps entrants and the record of used sign-in links.
type Store interface {
	// GetOrCreate returns the entrant with this email, creating it if new.
	GetOrCreate(ctx context.Context, e Entrant) (Entrant, error)
	Get(ctx context.Context, id string) (Entrant, error)
	// Search finds entrants whose email or name contains q (any case).
	Search(ctx context.Context, q string, limit int) ([]Entrant, error)
	// ClaimLink records a link's nonce as used; a second claim of the same
	// nonce returns ErrLinkUsed. Inserting a unique key makes this safe with
	// any number of concurrent redeemers.
	ClaimLink(ctx context.Context, nonce string, expires, now time.Time) error
	// DeleteExpiredClaims removes claim records whose links have expired.
	DeleteExpiredClaims(ctx context.Context, now time.Time) (int64, error)
}

// NormalizeEmail checks and lowercases an address.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || utf8.RuneCountInString(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return "", ErrInvalidEmail
	}
	return s, nil
}

// DefaultDisplayName is the part of the email before the @, until the
// entrant chooses a name.
func DefaultDisplayName(email string) string {
	name, _, _ := strings.Cut(email, "@")
	return name
}
