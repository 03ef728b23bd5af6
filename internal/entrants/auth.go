package entrants

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/signing"
)

// Token purposes, so a link can never be used as a session or the reverse.
const (
	purposeLink    = "entrant-login-link"
	purposeSession = "entrant-session"
)

// Auth issues and redeems sign-in links and sessions.
type Auth struct {
	Store      Store
	Signer     signing.Signer
	LinkTTL    time.Duration
	SessionTTL time.Duration
}

type linkClaims struct {
	Email   string `json:"e"`
	Expires int64  `json:"x"`
	Nonce   string `json:"n"`
	Next    string `json:"r,omitempty"`
}

// IssueLink returns a signed, expiring, single-use token for email. next is
// where to go after signing in; anything but a local path is dropped.
func (a *Auth) IssueLink(email, next string, now time.Time) (string, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return "", err
	}
	var n [16]byte
	_, _ = rand.Read(n[:])
	b, _ := json.Marshal(linkClaims{Email: email, Expires: now.Add(a.LinkTTL).Unix(), Nonce: hex.EncodeToString(n[:]), Next: SafeNext(next)})
	return a.Signer.Sign(purposeLink, b), nil
}

// Redeem checks a link token, marks it used, and returns the entrant
// (created on first sign-in) and where to go next.
func (a *Auth) Redeem(ctx context.Context, token string, now time.Time) (Entrant, string, error) {
	b, err := a.Signer.Verify(purposeLink, token)
	if err != nil {
		return Entrant{}, "", ErrLinkInvalid
	}
	var c linkClaims
	if err := json.Unmarshal(b, &c); err != nil || c.Nonce == "" || c.Email == "" {
		return Entrant{}, "", ErrLinkInvalid
	}
	expires := time.Unix(c.Expires, 0)
	if !now.Before(expires) {
		return Entrant{}, "", ErrLinkExpired
	}
	if err := a.Store.ClaimLink(ctx, c.Nonce, expires, now); err != nil {
		return Entrant{}, "", err
	}
	e, err := a.Store.GetOrCreate(ctx, Entrant{ID: ids.New(IDPrefix), Email: c.Email, DisplayName: DefaultDisplayName(c.Email), CreatedAt: now})
	if err != nil {
		return Entrant{}, "", fmt.Errorf("entrants: sign in: %w", err)
	}
	return e, c.Next, nil
}

type sessionClaims struct {
	EntrantID string `json:"i"`
	Expires   int64  `json:"x"`
}

// NewSession returns a signed session value for the entrant.
func (a *Auth) NewSession(entrantID string, now time.Time) string {
	b, _ := json.Marshal(sessionClaims{EntrantID: entrantID, Expires: now.Add(a.SessionTTL).Unix()})
	return a.Signer.Sign(purposeSession, b)
}

// ParseSession returns the entrant id in a valid, unexpired session value.
func (a *Auth) ParseSession(value string, now time.Time) (string, error) {
	b, err := a.Signer.Verify(purposeSession, value)
	if err != nil {
		return "", ErrNoSession
	}
	var c sessionClaims
	if err := json.Unmarshal(b, &c); err != nil || c.EntrantID == "" {
		return "", ErrNoSession
	}
	if !now.Before(time.Unix(c.Expires, 0)) {
		return "", ErrNoSession
	}
	return c.EntrantID, nil
}

// SafeNext keeps next only if it is a path on this site, so a sign-in link
// can never redirect somewhere else.
func SafeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}

// IsLinkError reports whether err is one of the sign-in link refusals.
func IsLinkError(err error) bool {
	return errors.Is(err, ErrLinkInvalid) || errors.Is(err, ErrLinkExpired) || errors.Is(err, ErrLinkUsed)
}
