// Package webauth carries an entrant's session in a signed cookie and
// guards cookie-authenticated requests against cross-site use.
package webauth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entrants"
)

// CookieName is the entrant session cookie.
const CookieName = "tryout_session"

const entrantKey = "entrant_id"

// Sessions reads and writes session cookies.
type Sessions struct {
	Auth      *entrants.Auth
	PublicURL string // its scheme decides the Secure flag
	Now       func() time.Time
	// Revoked reports whether an entrant's sessions were ended (an
	// account deleted); nil: never.
	Revoked func(ctx context.Context, entrantID string) bool
}

// Start sets the session cookie: HttpOnly, SameSite=Lax, Secure over TLS.
func (s *Sessions) Start(c *gin.Context, entrantID string) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: CookieName, Value: s.Auth.NewSession(entrantID, s.Now()), Path: "/",
		MaxAge: int(s.Auth.SessionTTL.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(c),
	})
}

// End clears the session cookie.
func (s *Sessions) End(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(c)})
}

func (s *Sessions) secure(c *gin.Context) bool {
	return c.Request.TLS != nil || strings.HasPrefix(s.PublicURL, "https://")
}

// Load is middleware that notes the signed-in entrant, if any. A missing,
// expired or tampered cookie simply means signed out.
func (s *Sessions) Load(c *gin.Context) {
	if ck, err := c.Request.Cookie(CookieName); err == nil {
		if id, err := s.Auth.ParseSession(ck.Value, s.Now()); err == nil && (s.Revoked == nil || !s.Revoked(c, id)) {
			c.Set(entrantKey, id)
		}
	}
	c.Next()
}

// EntrantID returns the signed-in entrant, if any.
func EntrantID(c *gin.Context) (string, bool) {
	id, ok := c.Get(entrantKey)
	if !ok {
		return "", false
	}
	return id.(string), true
}

// SameOrigin reports whether a state-changing request came from this site:
// browsers send Origin on cross-site POSTs, so a foreign Origin is refused.
// Requests without Origin (curl, scripts) carry no ambient browser cookie
// risk beyond what SameSite=Lax already blocks.
func (s *Sessions) SameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	want, err := url.Parse(s.PublicURL)
	if err != nil {
		return false
	}
	got, err := url.Parse(o)
	if err != nil {
		return false
	}
	if strings.EqualFold(got.Scheme, want.Scheme) && strings.EqualFold(got.Host, want.Host) {
		return true
	}
	// The page may also be served from the address the request came to.
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return strings.EqualFold(got.Scheme, scheme) && strings.EqualFold(got.Host, r.Host)
}
