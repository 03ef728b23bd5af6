package app

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/admin"
	"github.com/tryout/tryout/api"
	"github.com/tryout/tryout/internal/eligibility"
	"github.com/tryout/tryout/internal/guardians"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/perks"
	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/referrals"
	"github.com/tryout/tryout/internal/retention"
	"github.com/tryout/tryout/internal/rights"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/webauth"
	"github.com/tryout/tryout/web"
	"github.com/tryout/tryout/worker"
)

// DataRights holds the parts that serve entrants' data rights: export,
// deletion, retention, guardian consent and the country signal.
type DataRights struct {
	Exporter  *rights.Exporter
	Deleter   *rights.Deleter
	Deletions *rights.MongoStore
	Links     rights.Links
	Guardians *guardians.Service
	Retention *retention.Runner
	Revoked   *webauth.Revocations
	Country   *eligibility.Signal
}

// buildRights wires them; called from New.
func (a *App) buildRights() error {
	cfg, db := a.Cfg, a.DB
	country, err := eligibility.NewSignal(cfg.CountryHeader, cfg.TrustedProxies)
	if err != nil {
		return fmt.Errorf("TRYOUT_TRUSTED_PROXIES: %w", err)
	}
	deletions := rights.NewMongoStore(db.Collection(mongodb.Deletions))
	gstore := guardians.NewMongoStore(db.Collection(mongodb.Guardians))
	// The concrete stores, for the methods only data rights use.
	reports := moderation.NewMongoReports(db.Collection(mongodb.Reports))
	replies := outreach.NewMongoReplies(db.Collection(mongodb.Replies))
	shares := referrals.NewMongoStore(db.Collection(mongodb.Shares))
	perkStore := perks.NewMongoStore(db.Collection(mongodb.Perks), db.Collection(mongodb.PerkClaim))
	r := &DataRights{Deletions: deletions, Country: country,
		Revoked: &webauth.Revocations{Redis: a.Redis, TTL: cfg.SessionTTL},
		Links:   rights.Links{Signer: a.Signer, TTL: cfg.DeletionLinkTTL, Claims: a.Entrants}}
	r.Guardians = &guardians.Service{Store: gstore, Entries: a.Entries, Campaigns: a.Campaigns, Slots: a.Slots, Notify: a.Notify, Signer: a.Signer,
		HashIP: func(ip string) string { return a.Signer.Hash("consent-ip", ip) }, Now: a.now, Log: a.Log}
	r.Exporter = &rights.Exporter{Sources: rights.Sources{Entrants: a.Entrants, Entries: a.Entries, Campaigns: a.Campaigns, Winners: a.Winners,
		Outbox: a.Outbox, Replies: replies, Shares: shares, Perks: perkStore, Ballots: a.Ballots, Reports: reports,
		Guardians: gstore, Webhooks: a.Webhooks.Store, Deletions: deletions},
		Downloads: a.Presign, Bucket: cfg.S3BucketOriginals, LinkTTL: cfg.ExportLinkTTL, Now: a.now}
	r.Deleter = &rights.Deleter{Records: deletions, Entrants: a.Entrants, Entries: a.Entries, Slots: a.Slots, Gallery: a.Gallery, Blobs: a.Blobs,
		OriginalsBucket: cfg.S3BucketOriginals, RenditionsBucket: cfg.S3BucketRenditions, Ballots: a.Ballots, DrainVotes: a.DrainVotes,
		Outbox: a.Outbox, Replies: replies, Broadcasts: outreach.NewMongoStore(db.Collection(mongodb.Broadcast)),
		Shares: shares, Perks: perkStore, Reports: reports, Guardians: gstore, Sessions: r.Revoked, Webhooks: a.Webhooks, WebhookLog: a.Webhooks.Store, Audit: a.Recorder, Queue: a.Queue,
		Now: a.now, Log: a.Log}
	r.Retention = &retention.Runner{Campaigns: a.Campaigns, Entries: a.Entries, Winners: a.Winners, Blobs: a.Blobs, Ballots: a.Ballots,
		Runs: retention.NewMongoRuns(db.Collection(mongodb.Retention)), Defaults: a.retentionDefaults(),
		OriginalsBucket: cfg.S3BucketOriginals, RenditionsBucket: cfg.S3BucketRenditions, Now: a.now, Log: a.Log}
	a.Rights = r
	return nil
}

func (a *App) retentionDefaults() retention.Defaults {
	return retention.Defaults{OriginalsDays: a.Cfg.RetainOriginalsDays, UnpublishedDays: a.Cfg.RetainUnpublishedDays, SignalsDays: a.Cfg.RetainSignalsDays}
}

// apiRights is the public API's part.
func (a *App) apiRights() api.Rights {
	return api.Rights{Exporter: a.Rights.Exporter, Links: a.Rights.Links, Notify: a.Notify,
		ExportLimit:   &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:export:entrant:", Limit: 10, Window: time.Hour},
		DeletionLimit: &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:deletion-link:entrant:", Limit: 3, Window: time.Hour}}
}

// webRights is the public pages' part.
func (a *App) webRights() web.Rights {
	return web.Rights{Guardians: a.Rights.Guardians, Links: a.Rights.Links,
		Delete: func(ctx context.Context, id string) (rights.Deletion, error) {
			return a.Rights.Deleter.Request(ctx, id, rights.Self(id))
		}}
}

// adminRights is the console's part.
func (a *App) adminRights() admin.Rights {
	return admin.Rights{Exporter: a.Rights.Exporter, Deleter: a.Rights.Deleter, Deletions: a.Rights.Deletions,
		Runs: a.Rights.Retention.Runs, Defaults: a.retentionDefaults()}
}

// registerRights adds the data rights tasks to the worker's mux.
func (a *App) registerRights(mux *asynq.ServeMux) {
	mux.Handle(tasks.TypeEntrantDelete, &worker.DeletionHandler{Deleter: a.Rights.Deleter})
	mux.Handle(tasks.TypeRetentionRun, &worker.RetentionHandler{Runner: a.Rights.Retention})
	mux.Handle(tasks.TypeGuardiansSweep, &worker.GuardiansHandler{Sweeper: a.Rights.Guardians, Log: a.Log})
}

// scheduleRights queues retention every six hours and the guardian sweep
// every hour.
func scheduleRights(s *asynq.Scheduler) error {
	if _, err := s.Register("@every 6h", tasks.NewRetentionRun()); err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	if _, err := s.Register("@every 1h", tasks.NewGuardiansSweep()); err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	return nil
}
