package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"
)

// ErrNoSession means the session does not exist or has expired.
var ErrNoSession = errors.New("no staff session")

// Session is a signed-in staff member's session. The cookie carries a
// random token; only its hash is stored, so a copy of the database cannot
// be used to sign in. CSRF is the token every form and state-changing call
// of the session must carry.
type Session struct {
	ID        string // hex SHA-256 of the cookie token
	UserID    string
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionStore keeps staff sessions.
type SessionStore interface {
	CreateSession(ctx context.Context, s Session) error
	// GetSession returns a session that has not expired at now.
	GetSession(ctx context.Context, id string, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of a user (sign out everywhere).
	DeleteUserSessions(ctx context.Context, userID string) (int64, error)
}

// NewSession starts a session for u lasting ttl. It returns the cookie
// token, which is not stored anywhere.
func NewSession(userID string, now time.Time, ttl time.Duration) (token string, s Session) {
	token = randomToken()
	return token, Session{ID: SessionID(token), UserID: userID, CSRF: randomToken(), CreatedAt: now, ExpiresAt: now.Add(ttl)}
}

// SessionID is the stored form of a cookie token.
func SessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
