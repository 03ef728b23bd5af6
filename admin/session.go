package admin

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/staff"
)

// Cookies of the console. Both are limited to /admin and SameSite=Strict.
const (
	sessionCookie = "tryout_staff"       // the session token
	loginCookie   = "tryout_staff_login" // CSRF token of the sign-in form (double submit)
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
	sessionKey    = "staff_session"
)

// SessionTTL is how long a staff session lasts.
const SessionTTL = 12 * time.Hour

func (a *Admin) secure(c *gin.Context) bool {
	return c.Request.TLS != nil || strings.HasPrefix(a.PublicURL, "https://")
}

func (a *Admin) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/admin", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: a.secure(c)})
}

// loginPage shows the sign-in form with a fresh CSRF token.
func (a *Admin) loginPage(c *gin.Context) {
	a.renderLogin(c, http.StatusOK, "")
}

func (a *Admin) renderLogin(c *gin.Context, status int, problem string) {
	token := ids.New("")
	a.setCookie(c, loginCookie, token, 3600)
	next := safeNext(c.Query("next"))
	if c.Request.Method == http.MethodPost {
		next = safeNext(c.PostForm("next"))
	}
	// A refused attempt keeps the email typed (never the password).
	a.render(c, status, "login.html", map[string]any{"CSRF": token, "Problem": problem, "Next": next, "Email": strings.TrimSpace(c.PostForm("email"))})
}

// login checks the password (rate limited per address and per client),
// starts a session and audits the sign-in.
func (a *Admin) login(c *gin.Context) {
	cookie, _ := c.Cookie(loginCookie)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(c.PostForm(csrfField))) != 1 {
		a.renderLogin(c, http.StatusForbidden, "This form expired. Please sign in again.")
		return
	}
	email := staff.NormalizeEmail(c.PostForm("email"))
	if ok, wait := a.allowLogin(c, email); !ok {
		c.Header("Retry-After", retryAfter(wait))
		a.renderLogin(c, http.StatusTooManyRequests, "Too many sign-in attempts. Wait "+humanWait(wait)+" and try again.")
		return
	}
	u, err := staff.Authenticate(c, a.Staff, email, c.PostForm("password"))
	if errors.Is(err, staff.ErrBadCredentials) {
		a.renderLogin(c, http.StatusUnauthorized, "Wrong email or password.")
		return
	}
	if err != nil {
		a.Log.Error("admin: login", "err", err)
		a.renderLogin(c, http.StatusServiceUnavailable, "Sign-in is not available right now. Try again in a minute.")
		return
	}
	token, s := staff.NewSession(u.ID, a.Now(), SessionTTL)
	if err := a.Sessions.CreateSession(c, s); err != nil {
		a.Log.Error("admin: session", "err", err)
		a.renderLogin(c, http.StatusServiceUnavailable, "Sign-in is not available right now. Try again in a minute.")
		return
	}
	a.setCookie(c, sessionCookie, token, int(SessionTTL/time.Second))
	a.setCookie(c, loginCookie, "", -1)
	a.audit(c, u, "staff.login", u.ID, nil, nil)
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
}

// loginLocked reports, without counting an attempt, whether either sign-in
// limit is already reached for this address or client.
func (a *Admin) loginLocked(c *gin.Context, email string) (bool, time.Duration) {
	return a.loginLimits(c, email, func(l limiter, key string) (bool, time.Duration, error) {
		return l.Over(c, key)
	})
}

// allowLogin counts an attempt against both sign-in limits and reports
// whether it may go ahead.
func (a *Admin) allowLogin(c *gin.Context, email string) (bool, time.Duration) {
	over, wait := a.loginLimits(c, email, func(l limiter, key string) (bool, time.Duration, error) {
		ok, wait, err := l.Allow(c, key)
		return !ok, wait, err
	})
	return !over, wait
}

// loginLimits asks check of the per-address and per-client sign-in limits
// in turn; the first that is over wins. A limit Redis cannot answer is
// skipped (bcrypt still slows guessing).
func (a *Admin) loginLimits(c *gin.Context, email string, check func(l limiter, key string) (over bool, wait time.Duration, err error)) (bool, time.Duration) {
	for _, lim := range []struct {
		ok  bool
		key string
		l   limiter
	}{{email != "", email, a.LoginLimit}, {true, c.ClientIP(), a.LoginIPLimit}} {
		if !lim.ok || lim.l == nil {
			continue
		}
		over, wait, err := check(lim.l, lim.key)
		if err != nil {
			a.Log.Warn("admin: login rate limit unavailable", "err", err)
			continue
		}
		if over {
			return true, wait
		}
	}
	return false, 0
}

// authenticate loads the staff session; without one, pages redirect to the
// sign-in form and API calls get 401.
func (a *Admin) authenticate(c *gin.Context) {
	token, _ := c.Cookie(sessionCookie)
	var s staff.Session
	var u staff.User
	err := staff.ErrNoSession
	if token != "" {
		if s, err = a.Sessions.GetSession(c, staff.SessionID(token), a.Now()); err == nil {
			u, err = a.Staff.Get(c, s.UserID)
		}
	}
	if err != nil {
		if !errors.Is(err, staff.ErrNoSession) && !errors.Is(err, staff.ErrNotFound) {
			a.fail(c, err)
			return
		}
		if c.Request.Method == http.MethodGet && !wantsJSON(c) {
			c.Redirect(http.StatusSeeOther, "/admin/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		}
		a.fail(c, httpx.E(http.StatusUnauthorized, "login_required", "Your session has ended. Sign in again."))
		return
	}
	c.Set(userKey, u)
	c.Set(sessionKey, s)
	c.Next()
}

// checkCSRF refuses a state-changing request without the session's token
// (form field or header).
func (a *Admin) checkCSRF(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	s := c.MustGet(sessionKey).(staff.Session)
	got := c.GetHeader(csrfHeader)
	if got == "" {
		got = c.PostForm(csrfField)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) != 1 {
		a.fail(c, httpx.E(http.StatusForbidden, "csrf_failed", "This form is out of date or did not come from the console. Reload the page and try again."))
		return
	}
	c.Next()
}

// logout ends this session; everywhere=1 ends all of the user's sessions.
func (a *Admin) logout(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	s := c.MustGet(sessionKey).(staff.Session)
	var err error
	action := "staff.logout"
	if c.PostForm("everywhere") == "1" {
		action = "staff.logout_everywhere"
		_, err = a.Sessions.DeleteUserSessions(c, u.ID)
	} else {
		err = a.Sessions.DeleteSession(c, s.ID)
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	a.setCookie(c, sessionCookie, "", -1)
	a.audit(c, u, action, u.ID, nil, nil)
	c.Redirect(http.StatusSeeOther, "/admin/login")
}

// audit is only for console sign-in and sign-out (staff.login,
// staff.logout, staff.logout_everywhere) and for reads that take data out
// (the export.* spreadsheets, round.export, entrant.export). Those belong
// to the console, not to a domain: they change no contest state, and only
// the console knows about sessions and downloads. Every state-changing
// action is recorded by the domain service that makes it (campaigns,
// moderation, judging, outreach, perks, rights, votes, webhooks), given
// the actor as staffActor(u), so the record goes with the change whatever
// edge takes it. A record that cannot be written is logged loudly; the
// event stands.
func (a *Admin) audit(c *gin.Context, u staff.User, action, target string, before, after map[string]string) {
	a.Recorder.Record(c, staffActor(u), action, target, before, after)
}

// staffActor is u as the audit log names an actor.
func staffActor(u staff.User) audit.Actor {
	return audit.Actor{ID: u.ID, Email: u.Email, Role: string(u.Role)}
}

// safeNext keeps redirects inside the console.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/admin/"
}

func wantsJSON(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/admin/api/") || strings.Contains(c.GetHeader("Accept"), "application/json")
}

// retryAfter is a Retry-After value in whole seconds.
func retryAfter(d time.Duration) string { return strconv.Itoa(int(max(d, time.Second).Seconds())) }

// humanWait says how long to wait, in minutes.
func humanWait(d time.Duration) string {
	switch m := int(d.Round(time.Minute).Minutes()); {
	case m <= 1:
		return "a minute"
	default:
		return strconv.Itoa(m) + " minutes"
	}
}

// limiter is a fixed-window rate limit (internal/ratelimit).
type limiter interface {
	Allow(ctx context.Context, key string) (bool, time.Duration, error)
	Over(ctx context.Context, key string) (bool, time.Duration, error)
}
