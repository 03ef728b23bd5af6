package app

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/admin"
	"github.com/tryout/tryout/api"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/friction"
	"github.com/tryout/tryout/internal/health"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/intake"
	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/sharecard"
	"github.com/tryout/tryout/internal/webauth"
	"github.com/tryout/tryout/web"
)

// Handler builds the whole HTTP surface: health probes, public API, public
// pages and staff console. It fails if any template does not parse.
func (a *App) Handler() (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true // handlers pass c as the request context
	// Believe X-Forwarded-For only from the configured proxies: gin's
	// default trusts every peer, which lets anyone dodge per-address limits.
	if err := r.SetTrustedProxies(a.Cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("TRYOUT_TRUSTED_PROXIES: %w", err)
	}
	r.Use(httpx.Recovery(a.Log), httpx.Logger(a.Log))
	r.NoRoute(httpx.NotFound(a.Log))
	r.NoMethod(httpx.NotFound(a.Log))

	hc := &health.Handler{Timeout: 3 * time.Second, Log: a.Log, Checks: a.Checks()}
	hc.Routes(r)

	sessions := &webauth.Sessions{Auth: a.Auth, PublicURL: a.Cfg.PublicURL, Now: a.now, Revoked: a.Rights.Revoked.Revoked}
	// Public pages and the API read campaigns through a short cache; the
	// console writes through the store itself (other processes' caches
	// catch up within the TTL).
	cachedCampaigns := &campaigns.Cached{Store: a.Campaigns, TTL: 5 * time.Second, Now: a.now}
	in := a.Intake()
	pub := &api.API{
		Campaigns: cachedCampaigns, Entries: a.Entries, Entrants: a.Entrants, Outbox: a.Outbox, Prefs: a.Entrants,
		Intake: in, Auth: a.Auth, Sessions: sessions, Notify: a.Notify, Outreach: a.Outreach, Perks: a.Perks,
		LinkLimit:  &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:login-link:email:", Limit: a.Cfg.LinkLimitPerEmail, Window: 15 * time.Minute},
		ReplyLimit: &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:reply:entrant:", Limit: a.Cfg.ReplyLimitPerHour, Window: time.Hour},
		IPLimit:    &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:login-link:ip:", Limit: a.Cfg.LinkLimitPerIP, Window: 15 * time.Minute},
		Reports:    a.Reports, HashIP: func(ip string) string { return a.Signer.Hash("report-ip", ip) },
		ReportLimit: &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:report:ip:", Limit: a.Cfg.ReportLimitPerIP, Window: time.Hour},
		Media:       a.Blobs, RenditionsBucket: a.Cfg.S3BucketRenditions,
		Now: a.now, Log: a.Log, UploadIdle: a.Cfg.UploadIdleTimeout,
		Fans: api.Fans{Gallery: a.Gallery, Views: a.Views, Referrals: a.Referrals, PublicURL: a.Cfg.PublicURL, Captions: a.Captions,
			ViewLimit: &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:view:", Limit: a.Cfg.ViewLimitPerIP, Window: time.Hour}},
		Voting: api.Voting{Service: a.Votes, Pages: a.Pages(),
			Challenger: &friction.Challenger{Signer: a.Signer, Redis: a.Redis, Difficulty: a.Cfg.VotePoWBits, TTL: 5 * time.Minute, Now: a.now}},
		Country: a.Rights.Country, Rights: a.apiRights(), Analytics: a.Analytics,
	}
	pub.Routes(r.Group("/api"))

	cards := &sharecard.Maker{Store: a.Blobs, Bucket: a.Cfg.S3BucketRenditions}
	staffConsole := &admin.Admin{
		Campaigns: a.Campaigns, Entries: a.Entries, Entrants: a.Entrants, Staff: a.Staff, Sessions: a.Sessions, Audit: a.Audit,
		Recorder: a.Recorder, Editor: &campaigns.Service{Store: a.Campaigns, Logos: a.Blobs, Bucket: a.Cfg.S3BucketRenditions, Audit: a.Recorder},
		Outbox: a.Outbox, Notify: a.Notify, Outreach: a.Outreach, Perks: a.PerkPools, Moderation: a.Moderate, Winners: a.Winners, Judging: a.Judging,
		Analytics: a.Analytics, Gallery: a.Gallery, Exports: a.ExportSources(), Webhooks: a.Webhooks,
		Votes: a.VoteReview(), Reports: a.Reports, Media: a.Blobs, RenditionsBucket: a.Cfg.S3BucketRenditions,
		PublicURL:      a.Cfg.PublicURL,
		LoginLimit:     &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:staff-login:email:", Limit: a.Cfg.StaffLoginLimitPerEmail, Window: 15 * time.Minute},
		LoginIPLimit:   &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:staff-login:ip:", Limit: a.Cfg.StaffLoginLimitPerIP, Window: 15 * time.Minute},
		MaxUploadBytes: a.Cfg.MaxUploadBytes, Now: a.now, Log: a.Log, Rights: a.adminRights(),
		Cards: cards,
	}
	if err := staffConsole.Routes(r.Group("/admin")); err != nil {
		return nil, err
	}
	scheme := "http://"
	if a.Cfg.S3PublicUseTLS {
		scheme = "https://"
	}
	pages := &web.Web{PageToken: a.Pages().Token, HeldVotes: a.heldVotes, Campaigns: cachedCampaigns, Gallery: a.Gallery, Winners: a.Winners, Draws: a.Judging, Referrals: a.Referrals, EmbedAncestors: a.Cfg.EmbedAncestors, Entries: a.Entries, Entrants: a.Entrants, Auth: a.Auth, Sessions: sessions,
		StorageOrigin: scheme + a.Cfg.S3PublicEndpoint, Pages: web.NewPageCache(time.Second), Logos: a.Blobs, LogosBucket: a.Cfg.S3BucketRenditions, PublicURL: a.Cfg.PublicURL, Prefs: a.Entrants, Signer: a.Signer, Now: a.now, Log: a.Log, Rights: a.webRights(), Analytics: a.Analytics,
		Cards: cards}
	if err := pages.Routes(r); err != nil {
		return nil, err
	}
	return r, nil
}

// Intake builds the submission service.
func (a *App) Intake() *intake.Service {
	return &intake.Service{
		Campaigns: a.Campaigns, Entries: a.Entries, Slots: a.Slots, Blobs: a.Blobs, Presign: a.Presign, Queue: a.Queue, Notify: a.Notify, Guardians: a.Rights.Guardians,
		Bucket: a.Cfg.S3BucketOriginals, MaxUploadBytes: a.Cfg.MaxUploadBytes, PartURLTTL: a.Cfg.UploadURLTTL,
		HashIP: func(ip string) string { return a.Signer.Hash("consent-ip", ip) },
		Events: a.Analytics, Now: a.now, Log: a.Log,
	}
}

// now lets tests move the clock after the app is built.
func (a *App) now() time.Time { return a.Now() }

// Server wraps the handler in an http.Server with no fixed read or write
// timeout (uploads extend theirs per request; other routes set short ones)
// but bounded header and idle times (TRYOUT_HTTP_*).
func (a *App) Server(h http.Handler) *http.Server {
	return &http.Server{
		Addr:              a.Cfg.HTTPAddr,
		Handler:           h,
		ReadHeaderTimeout: a.Cfg.HTTPReadHeaderTimeout,
		IdleTimeout:       a.Cfg.HTTPIdleTimeout,
		MaxHeaderBytes:    a.Cfg.HTTPMaxHeaderBytes,
	}
}

// Pages signs and reads page-view tokens (the vote button carries one).
func (a *App) Pages() friction.Pages { return friction.Pages{Signer: a.Signer, Now: a.now} }
