// Package admin is the staff console and its JSON API. Every route needs a
// staff login and a role. Until console sessions land, staff authenticate
// with HTTP Basic over the same bcrypt check; the JSON API accepts only
// application/json bodies, which a cross-site form cannot send.
package admin

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/staff"
)

//go:embed templates/*.html
var templateFS embed.FS

// Admin holds what staff handlers need.
type Admin struct {
	Campaigns      campaigns.Store
	Entries        entries.Store
	Staff          staff.Store
	Outbox         mail.Store
	MaxUploadBytes int64
	Now            func() time.Time
	Log            *slog.Logger
	tmpl           *template.Template
}

// Routes registers the console (/admin/) and its API (/admin/api/) under r,
// mounted at /admin. Templates are parsed here so a broken one stops start-up.
func (a *Admin) Routes(r *gin.RouterGroup) error {
	t, err := template.New("").Funcs(template.FuncMap{"fmtTime": fmtTime}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return fmt.Errorf("admin: templates: %w", err)
	}
	a.tmpl = t
	r.Use(httpx.Deadlines(30*time.Second, 60*time.Second), a.authenticate)
	all := a.require(staff.Owner, staff.Moderator, staff.Judge, staff.Analyst)
	r.GET("/", all, a.console)
	r.GET("/outbox", a.require(staff.Owner), a.outboxPage)
	api := r.Group("/api")
	api.GET("/campaigns", all, a.listCampaigns)
	api.POST("/campaigns", a.require(staff.Owner), a.createCampaign)
	api.GET("/campaigns/:id/entries", a.require(staff.Owner, staff.Moderator), a.listEntries)
	api.GET("/outbox", a.require(staff.Owner), a.outboxJSON)
	return nil
}

const userKey = "staff_user"

// authenticate checks HTTP Basic credentials against staff accounts.
func (a *Admin) authenticate(c *gin.Context) {
	email, password, ok := c.Request.BasicAuth()
	if !ok {
		c.Header("WWW-Authenticate", `Basic realm="Tryout staff", charset="UTF-8"`)
		httpx.Fail(c, a.Log, httpx.E(http.StatusUnauthorized, "login_required", "Sign in with your staff email and password."))
		return
	}
	u, err := staff.Authenticate(c, a.Staff, email, password)
	if errors.Is(err, staff.ErrBadCredentials) {
		c.Header("WWW-Authenticate", `Basic realm="Tryout staff", charset="UTF-8"`)
		httpx.Fail(c, a.Log, httpx.E(http.StatusUnauthorized, "bad_credentials", "Wrong email or password."))
		return
	}
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	c.Set(userKey, u)
	c.Next()
}

// require lets the request through only for the given roles.
func (a *Admin) require(roles ...staff.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := c.MustGet(userKey).(staff.User)
		if !slices.Contains(roles, u.Role) {
			httpx.Fail(c, a.Log, httpx.E(http.StatusForbidden, "forbidden", fmt.Sprintf("Your role (%s) cannot do this.", u.Role)))
			return
		}
		c.Next()
	}
}

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
