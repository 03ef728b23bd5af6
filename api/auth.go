package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/webauth"
)

type linkRequest struct {
	Email string `json:"email"`
	Next  string `json:"next"`
}

// requestLink emails a sign-in link. The answer is the same whether or not
// the address has an account, so it reveals nothing.
func (a *API) requestLink(c *gin.Context) {
	var in linkRequest
	if err := httpx.BindJSON(c, &in); err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	email, err := entrants.NormalizeEmail(in.Email)
	if err != nil {
		httpx.Fail(c, a.Log, &httpx.Error{Status: http.StatusBadRequest, Code: "invalid_email", Message: "Enter a valid email address.", Fields: map[string]string{"email": "not an email address"}})
		return
	}
	for _, lim := range []struct {
		l   *ratelimit.Limiter
		key string
	}{{a.LinkLimit, email}, {a.IPLimit, c.ClientIP()}} {
		ok, wait, err := lim.l.Allow(c, lim.key)
		if err != nil {
			httpx.Fail(c, a.Log, err)
			return
		}
		if !ok {
			c.Header("Retry-After", seconds(wait))
			httpx.Fail(c, a.Log, httpx.E(http.StatusTooManyRequests, "too_many_requests", "Too many sign-in links asked for. Check your inbox, or try again in "+humanWait(wait)+"."))
			return
		}
	}
	token, err := a.Auth.IssueLink(email, in.Next, a.Now())
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	if err := a.Notify.LoginLink(c, httpx.Lang(c), email, token, int(a.Auth.LinkTTL.Minutes())); err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	a.countLink(c, in.Next)
	c.JSON(http.StatusAccepted, gin.H{"status": "sent", "message": httpx.Lang(c).T("Check your email for a sign-in link. It works once and expires in %s.", humanWait(a.Auth.LinkTTL))})
}

func (a *API) logout(c *gin.Context) {
	a.Sessions.End(c)
	c.JSON(http.StatusOK, gin.H{"status": "signed_out"})
}

// requireEntrant stops requests without a valid session.
func (a *API) requireEntrant(c *gin.Context) {
	if _, ok := webauth.EntrantID(c); !ok {
		httpx.Fail(c, a.Log, httpx.E(http.StatusUnauthorized, "sign_in_required", "Sign in with your email to continue."))
		return
	}
	c.Next()
}

// sameOrigin refuses state-changing requests sent by another site.
func (a *API) sameOrigin(c *gin.Context) {
	if !a.Sessions.SameOrigin(c.Request) {
		httpx.Fail(c, a.Log, httpx.E(http.StatusForbidden, "cross_origin", "This request came from another site and was refused."))
		return
	}
	c.Next()
}

func entrantID(c *gin.Context) string { id, _ := webauth.EntrantID(c); return id }
