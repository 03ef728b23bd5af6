// Package admin is the staff console and its JSON API. Every route needs a
// staff login and a permission of the staff member's role (staff.Role.Can).
// Console pages use a server-side session (cookie limited to /admin,
// SameSite=Strict) and every state-changing form carries the session's CSRF
// token. The JSON API, for scripts, takes HTTP Basic over the same bcrypt
// check and only application/json bodies, which a cross-site form cannot
// send. Every staff action is written to the audit log.
package admin

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/export"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/perks"
	"github.com/tryout/tryout/internal/sharecard"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/votes"
	"github.com/tryout/tryout/internal/webhooks"
)

//go:embed templates/*.html
var templateFS embed.FS

// MediaStore opens stored rendition files and keeps campaign logos.
type MediaStore interface {
	Open(ctx context.Context, bucket, key string) (*blob.Object, error)
	Put(ctx context.Context, bucket, key string, r io.Reader, size int64, contentType string) (int64, error)
	Remove(ctx context.Context, bucket, key string) error
}

// Admin holds what staff handlers need.
type Admin struct {
	Campaigns        campaigns.Store
	Winners          campaigns.WinnerStore
	Votes            *votes.Review
	Entries          entries.Store
	Entrants         entrants.Store
	Staff            staff.Store
	Sessions         staff.SessionStore
	Audit            audit.Store     // read by the audit page
	Recorder         *audit.Recorder // sign-ins, sign-outs and exports (Admin.audit); services record their own changes
	Editor           *campaigns.Service
	Outbox           mail.Store
	Notify           *notify.Notifier
	Outreach         *outreach.Service
	Perks            *perks.Service
	Judging          *judging.Service
	Moderation       *moderation.Service
	Reports          *moderation.Reports
	Analytics        AnalyticsReader
	Exports          export.Sources
	Webhooks         *webhooks.Service
	Gallery          TopEntries
	Media            MediaStore
	RenditionsBucket string
	PublicURL        string  // its scheme decides the Secure cookie flag
	LoginLimit       limiter // sign-in attempts per email address
	LoginIPLimit     limiter // sign-in attempts per client address
	MaxUploadBytes   int64
	Now              func() time.Time
	Log              *slog.Logger
	tmpl             *template.Template

	// Rights exports and deletes entrants' data on request (owners).
	Rights Rights
	// Cards draws a campaign's share card when it is saved (nil: the
	// public pages draw it on first request).
	Cards *sharecard.Maker
}

// Routes registers the console and its API under r, mounted at /admin.
// Templates are parsed here so a broken one stops start-up.
func (a *Admin) Routes(r *gin.RouterGroup) error {
	t, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return fmt.Errorf("admin: templates: %w", err)
	}
	a.tmpl = t
	// No console request carries more than a logo and a form.
	r.Use(a.recovery, httpx.Deadlines(30*time.Second, 60*time.Second), func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 2<<20)
		c.Next()
	})
	r.GET("/login", a.loginPage)
	r.POST("/login", a.login)

	api := r.Group("/api", a.basicAuth)
	api.GET("/campaigns", a.can(staff.ViewConsole), a.listCampaigns)
	api.POST("/campaigns", a.can(staff.ManageCampaigns), a.createCampaign)
	api.PUT("/campaigns/:id/vote-checks", a.can(staff.ManageCampaigns), a.putVoteChecks)
	api.GET("/campaigns/:id/entries", a.can(staff.Moderate), a.listEntries)
	api.GET("/outbox", a.can(staff.ViewOutbox), a.outboxJSON)
	api.GET("/campaigns/:id/analytics", a.can(staff.ViewAnalytics), a.analyticsJSON)

	p := r.Group("", a.authenticate, a.checkCSRF)
	p.GET("/", a.can(staff.ViewConsole), a.console)
	p.POST("/logout", a.logout)
	p.GET("/outbox", a.can(staff.ViewOutbox), a.outboxPage)
	p.GET("/audit", a.can(staff.ViewAudit), a.auditPage)
	p.GET("/queue", a.can(staff.Moderate), a.queuePage)
	p.POST("/queue/approve", a.can(staff.Moderate), a.bulkApprove)
	p.GET("/reports", a.can(staff.Moderate), a.reportsPage)
	p.GET("/entries/:id", a.can(staff.WatchEntries), a.entryPage)
	p.POST("/entries/:id/decision", a.can(staff.Moderate), a.decide)
	p.POST("/entries/:id/winner", a.can(staff.ManageCampaigns), a.pickWinner)
	p.GET("/entries/:id/votes", a.can(staff.ReviewVotes), a.votesPage)
	p.POST("/entries/:id/votes/discount", a.can(staff.ReviewVotes), a.discountVotes)
	p.POST("/entries/:id/votes/clear", a.can(staff.ReviewVotes), a.clearVotes)
	p.GET("/media/:id/*file", httpx.Deadlines(30*time.Second, 30*time.Minute), a.can(staff.WatchEntries), a.media)
	p.GET("/campaigns/new", a.can(staff.ManageCampaigns), a.campaignForm)
	p.GET("/campaigns/:id/edit", a.can(staff.ManageCampaigns), a.campaignForm)
	p.POST("/campaigns", a.can(staff.ManageCampaigns), a.saveCampaign)
	p.POST("/campaigns/:id", a.can(staff.ManageCampaigns), a.saveCampaign)
	p.POST("/entries/:id/finalist", a.can(staff.ManageCampaigns), a.setFinalist)
	p.GET("/campaigns/:id/messages", a.can(staff.ManageCampaigns), a.messagesPage)
	p.POST("/campaigns/:id/messages", a.can(staff.ManageCampaigns), a.saveMessage)
	p.POST("/campaigns/:id/messages/preview", a.can(staff.ManageCampaigns), a.previewMessage)
	p.GET("/campaigns/:id/perks", a.can(staff.ManageCampaigns), a.perksPage)
	p.POST("/campaigns/:id/perks", a.can(staff.ManageCampaigns), a.uploadPerks)
	p.POST("/campaigns/:id/perks/stage", a.can(staff.ManageCampaigns), a.setPerkStage)
	p.GET("/campaigns/:id/broadcasts", a.can(staff.MessageEntrants), a.broadcastsPage)
	p.POST("/campaigns/:id/broadcasts", a.can(staff.MessageEntrants), a.sendBroadcast)
	p.POST("/campaigns/:id/broadcasts/preview", a.can(staff.MessageEntrants), a.previewBroadcast)
	p.GET("/broadcasts/:id", a.can(staff.MessageEntrants), a.broadcastPage)
	p.POST("/broadcasts/:id/cancel", a.can(staff.MessageEntrants), a.cancelBroadcast)
	p.GET("/entrants", a.can(staff.ViewEntrants), a.entrantsPage)
	p.GET("/entrants/:id", a.can(staff.ViewEntrants), a.entrantPage)
	a.judgingRoutes(p)
	a.rightsRoutes(p)
	p.GET("/campaigns/:id/analytics", a.can(staff.ViewAnalytics), a.analyticsPage)
	a.exportRoutes(p, api)
	a.webhookRoutes(p)
	return nil
}

const userKey = "staff_user"

// basicAuth checks HTTP Basic credentials against staff accounts (the JSON
// API, for scripts). It shares the sign-in form's limits (per address and
// per client): an address or client the form has locked out is refused
// here too, before any password is checked, and every wrong password here
// counts against them. A script's successful calls do not.
func (a *Admin) basicAuth(c *gin.Context) {
	email, password, ok := c.Request.BasicAuth()
	if !ok {
		c.Header("WWW-Authenticate", `Basic realm="Tryout staff", charset="UTF-8"`)
		a.fail(c, httpx.E(http.StatusUnauthorized, "login_required", "Sign in with your staff email and password."))
		return
	}
	email = staff.NormalizeEmail(email)
	if over, wait := a.loginLocked(c, email); over {
		a.fail(c, &httpx.Error{Status: http.StatusTooManyRequests, Code: "too_many_attempts",
			Message: "Too many sign-in attempts. Wait " + humanWait(wait) + " and try again.", RetryAfter: wait})
		return
	}
	u, err := staff.Authenticate(c, a.Staff, email, password)
	if errors.Is(err, staff.ErrBadCredentials) {
		a.allowLogin(c, email) // count the failure
		c.Header("WWW-Authenticate", `Basic realm="Tryout staff", charset="UTF-8"`)
		a.fail(c, httpx.E(http.StatusUnauthorized, "bad_credentials", "Wrong email or password."))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Set(userKey, u)
	c.Next()
}

// can lets the request through only if the user's role may take action.
func (a *Admin) can(action staff.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := c.MustGet(userKey).(staff.User)
		if !u.Role.Can(action) {
			if wantsJSON(c) {
				a.fail(c, httpx.E(http.StatusForbidden, "forbidden", fmt.Sprintf("Your role (%s) cannot do this.", u.Role)))
				return
			}
			a.render(c, http.StatusForbidden, "problem.html", map[string]any{"Title": "Not for your role",
				"Message": fmt.Sprintf("Your role (%s) cannot open this page or do this. Ask an owner if you need it.", u.Role)})
			c.Abort()
			return
		}
		c.Next()
	}
}

// render executes a page template with the signed-in user and the CSRF
// token added to data.
func (a *Admin) render(c *gin.Context, status int, name string, data map[string]any) {
	if u, ok := c.Get(userKey); ok {
		data["User"] = u
	}
	if s, ok := c.Get(sessionKey); ok {
		data["CSRF"] = s.(staff.Session).CSRF
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Status(status)
	if err := a.tmpl.ExecuteTemplate(c.Writer, name, data); err != nil {
		a.Log.Error("admin: render", "template", name, "err", err)
	}
}

var funcs = template.FuncMap{
	"fmtTime": fmtTime,
	"list":    func(v ...string) []string { return v },
	"even":    func(i int) bool { return i%2 == 0 },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"clock": clock,
	"pct":   pct,
	"has":   func(list []string, s string) bool { return slices.Contains(list, s) },
	"can":   func(u staff.User, a string) bool { return u.Role.Can(staff.Action(a)) },
	"num":   func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
	"fixed": func(f float64, n int) string { return strconv.FormatFloat(f, 'f', n, 64) },
	"inc":   func(i int) int { return i + 1 },
	"links": linkify,
}

// clock writes seconds as m:ss.
func clock(s float64) string { return fmt.Sprintf("%d:%04.1f", int(s)/60, s-float64(int(s)/60*60)) }

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
