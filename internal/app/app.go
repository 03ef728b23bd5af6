// Package app is where Tryout is wired: it turns a config and live clients
// into stores, services, the HTTP handler and the worker. The tryout command
// and the end-to-end tests both build through here, so tests exercise the
// real wiring.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/captions"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/perks"
	"github.com/tryout/tryout/internal/referrals"
	"github.com/tryout/tryout/internal/screening"
	"github.com/tryout/tryout/internal/signing"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/views"
	"github.com/tryout/tryout/internal/votes"
	"github.com/tryout/tryout/internal/webhooks"
)

// Clients are the live connections the app runs on.
type Clients struct {
	Mongo   *mongo.Client
	Backend mongodb.Backend // which server Mongo talks to (detected when empty)
	DB      *mongo.Database
	Redis   *redis.Client
	Blobs   *blob.Store
}

// App holds every long-lived part. Build it with Open or New; release it
// with Close.
type App struct {
	Cfg config.Config
	Log *slog.Logger
	Clients

	Campaigns *campaigns.MongoStore
	Entries   *gallery.SyncedStore // every change to a live entry reaches the gallery
	Gallery   *gallery.Index
	Winners   *campaigns.MongoWinners
	Views     *views.Counter
	Referrals *referrals.Service
	Ballots   *votes.MongoBallots
	Votes     *votes.Service
	Slots     *entries.MongoSlots
	Staff     *staff.MongoStore
	Sessions  *staff.MongoSessions
	Audit     *audit.MongoStore
	Recorder  *audit.Recorder // every audit record is written through it
	Entrants  *entrants.MongoStore
	Outbox    *mail.MongoStore
	Queue     *tasks.Queue
	Media     *media.Runner
	Signer    signing.Signer
	Auth      *entrants.Auth
	Mailer    *mail.Mailer
	Notify    *notify.Notifier
	Outreach  *outreach.Service
	Perks     perks.Store
	PerkPools *perks.Service // staff changes to perk pools, audited
	Captions  *captions.Service
	Moderate  *moderation.Service
	Judging   *judging.Service
	Reports   *moderation.Reports
	Presign   *blob.Presigner
	Provider  screening.Provider
	Rights    *DataRights // export, deletion, retention, guardian consent
	Analytics *analytics.Counter
	Webhooks  *webhooks.Service
	Now       func() time.Time

	embedded  *mongodb.Embedded
	owned     bool               // Open made the clients, so Close closes them
	committer *votes.Committer   // without a vote journal
	drainer   *votes.Drainer     // with a vote journal
	stop      context.CancelFunc // stops what Start started
	drained   chan struct{}      // closed when the drainer has stopped
}

// Open connects to every service named in cfg and builds the app.
// allowEmbedded says whether this command may start the in-process FerretDB
// when no Mongo URI is set.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, allowEmbedded bool) (_ *App, err error) {
	var (
		cl       Clients
		embedded *mongodb.Embedded
	)
	defer func() {
		if err != nil {
			(&App{Cfg: cfg, Log: log, Clients: cl, embedded: embedded, owned: true}).Close(context.Background())
		}
	}()
	uri := cfg.MongoURI.Reveal()
	if cfg.Embedded() {
		if !allowEmbedded {
			return nil, errors.New("TRYOUT_MONGO_URI is empty: serve and worker need a MongoDB server; use `tryout dev` for the embedded database")
		}
		dir := filepath.Join(cfg.DataDir, "ferretdb")
		if embedded, err = mongodb.StartEmbedded(dir, "127.0.0.1:0", log.With("component", "ferretdb")); err != nil {
			return nil, err
		}
		uri = embedded.URI
		log.Info("embedded FerretDB started", "dir", dir)
	}
	if cl.Mongo, cl.Backend, err = mongodb.Connect(ctx, uri); err != nil {
		return nil, err
	}
	log.Info("database", "backend", cl.Backend.String(), "concurrent", cl.Backend.Concurrent())
	cl.DB = cl.Mongo.Database(cfg.MongoDatabase)
	cl.Redis = redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword.Reveal(), DB: cfg.RedisDB})
	if err := cl.Redis.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("redis %s: %w", cfg.RedisAddr, err)
	}
	cl.Blobs, err = blob.New(blob.Options{
		Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey.Reveal(),
		Region: cfg.S3Region, UseTLS: cfg.S3UseTLS, PartSize: uint64(cfg.UploadPartSizeBytes), StreamThreads: uint(cfg.UploadStreamThreads),
	})
	if err != nil {
		return nil, err
	}
	a, err := New(ctx, cfg, log, cl)
	if err != nil {
		return nil, err
	}
	a.embedded, a.owned = embedded, true
	return a, nil
}

// New builds the app on clients that are already connected. It only
// builds: it reads what it must from the services (the database's kind,
// Redis's persistence settings) under ctx, but starts nothing. Start runs
// the vote gate and the committer or drainer; Close stops them.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, cl Clients) (*App, error) {
	runner, err := media.NewRunner(media.Limits{
		FFprobe: cfg.FFprobePath, FFmpeg: cfg.FFmpegPath, Fpcalc: cfg.FpcalcPath, Timeout: cfg.MediaTimeout,
		MemoryBytes: cfg.MediaMemoryBytes, MaxPixels: cfg.MediaMaxPixels,
	})
	if err != nil {
		return nil, err
	}
	key, err := sessionKey(cfg.SessionSecret.Reveal(), cfg.DataDir)
	if err != nil {
		return nil, err
	}
	presign, err := blob.NewPresigner(blob.Options{
		Endpoint: cfg.S3PublicEndpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey.Reveal(),
		Region: cfg.S3Region, UseTLS: cfg.S3PublicUseTLS,
	})
	if err != nil {
		return nil, err
	}
	a := &App{
		Cfg: cfg, Log: log, Clients: cl,
		Campaigns: campaigns.NewMongoStore(cl.DB.Collection(mongodb.Campaigns)),
		Slots:     entries.NewMongoSlots(cl.DB.Collection(mongodb.Slots)),
		Staff:     staff.NewMongoStore(cl.DB.Collection(mongodb.Staff)),
		Sessions:  staff.NewMongoSessions(cl.DB.Collection(mongodb.Sessions)),
		Audit:     audit.NewMongoStore(cl.DB.Collection(mongodb.Audit)),
		Entrants:  entrants.NewMongoStore(cl.DB.Collection(mongodb.Entrants), cl.DB.Collection(mongodb.Claims)),
		Outbox:    mail.NewMongoStore(cl.DB.Collection(mongodb.Outbox)),
		Queue:     tasks.NewQueue(asynq.NewClientFromRedisClient(cl.Redis)),
		Media:     runner,
		Signer:    signing.New(key),
		Presign:   presign,
		Provider:  screening.None{},
		Now:       time.Now,
	}
	a.Recorder = &audit.Recorder{Store: a.Audit, Now: a.now, Log: log}
	a.Gallery = &gallery.Index{Redis: cl.Redis}
	if a.Backend.Kind == "" {
		a.Backend = mongodb.Detect(ctx, cl.Mongo)
	}
	a.Analytics = &analytics.Counter{Redis: cl.Redis, Now: a.now}
	var entryOpts []entries.Option
	if !a.Backend.Concurrent() {
		entryOpts = append(entryOpts, entries.OneWriter())
	}
	a.Entries = gallery.NewSyncedStore(entries.NewMongoStore(cl.DB.Collection(mongodb.Entries), entryOpts...), a.Gallery, log)
	a.Entries.OnLive = a.countLive
	a.Winners = campaigns.NewMongoWinners(cl.DB.Collection(mongodb.Winners))
	a.Views = &views.Counter{Redis: cl.Redis, Signer: a.Signer, MinWatch: cfg.ViewAfter, Window: time.Hour, Now: a.now,
		OnView: func(ctx context.Context, id string) error {
			if err := a.Gallery.AddDay(ctx, id, gallery.DayViews, 1, a.now()); err != nil {
				return err
			}
			return a.Gallery.AddViews(ctx, id, 1)
		}}
	a.Ballots = votes.NewMongoBallots(cl.DB.Collection(mongodb.Ballots))
	a.Votes = &votes.Service{Ballots: a.Ballots, Tally: a.Gallery, Days: a.Gallery, Figures: analytics.BallotFigures, Now: a.now,
		OnTallyError: func(b votes.Ballot, err error) {
			log.Error("votes: counter not updated; reconcile will mend it", "entry", b.EntryID, "err", err)
		}}
	checkCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.buildVoting(checkCtx); err != nil {
		return nil, err
	}
	a.Referrals = &referrals.Service{Store: referrals.NewMongoStore(cl.DB.Collection(mongodb.Shares)), Redis: cl.Redis, Window: 24 * time.Hour, Now: a.now,
		OnCredit: func(ctx context.Context, l referrals.Link, kind referrals.Kind) {
			field := gallery.DayConversions
			if kind == referrals.Clicks {
				field = gallery.DayShares
			}
			if err := a.Gallery.AddDay(ctx, l.EntryID, field, 1, a.now()); err != nil {
				log.Warn("referrals: daily figure not counted", "entry", l.EntryID, "err", err)
			}
			a.countShare(ctx, l, kind)
		}}
	a.Votes.After = a.voteEffects()
	if cfg.ModerationURL != "" {
		a.Provider = screening.NewHTTP(cfg.ModerationURL, cfg.ModerationTimeout, cfg.ModerationAllowPrivate)
	}
	a.Auth = &entrants.Auth{Store: a.Entrants, Signer: a.Signer, LinkTTL: cfg.LoginLinkTTL, SessionTTL: cfg.SessionTTL}
	a.Mailer = &mail.Mailer{Store: a.Outbox, Queue: a.Queue, Enabled: cfg.SMTPHost != "", Now: a.now}
	a.Webhooks = a.newWebhooks()
	a.Notify = &notify.Notifier{Mailer: a.Mailer, Entrants: a.Entrants, Campaigns: a.Campaigns, PublicURL: cfg.PublicURL, Signer: a.Signer, Ranks: a.Gallery,
		Events: a.Webhooks}
	a.Perks = perks.NewMongoStore(cl.DB.Collection(mongodb.Perks), cl.DB.Collection(mongodb.PerkClaim))
	a.Notify.Perks = &perks.Giver{Store: a.Perks, Now: a.now, Low: func(campaignID string, s perks.Stats) {
		log.Warn("perks: the pool is running low; upload more codes", "campaign", campaignID, "left", s.Left(), "of", s.Total)
	}}
	a.PerkPools = &perks.Service{Store: a.Perks, Campaigns: a.Campaigns, Audit: a.Recorder, Now: a.now}
	a.Outreach = &outreach.Service{Store: outreach.NewMongoStore(cl.DB.Collection(mongodb.Broadcast)), Replies: outreach.NewMongoReplies(cl.DB.Collection(mongodb.Replies)),
		Outbox: a.Outbox, Entries: a.Entries, Winners: a.Winners, Teller: a.Notify, Queue: a.Queue, MaxReach: 200_000, Audit: a.Recorder, Now: a.now}
	a.Moderate = &moderation.Service{Entries: a.Entries, Notify: a.Notify, Audit: a.Recorder, Now: a.now, Log: log}
	a.Reports = &moderation.Reports{Store: moderation.NewMongoReports(cl.DB.Collection(mongodb.Reports)), Entries: a.Entries,
		Campaigns: a.Campaigns, Decide: a.Moderate, Now: a.now}
	a.Judging = a.newJudging()
	a.Captions = &captions.Service{Blobs: cl.Blobs, Bucket: cfg.S3BucketRenditions, Entries: a.Entries, Now: a.now}
	if err := a.buildRights(); err != nil {
		return nil, err
	}
	return a, nil
}

// Migrate creates indexes and buckets; safe to run any number of times.
func (a *App) Migrate(ctx context.Context) error {
	if err := mongodb.Migrate(ctx, a.DB); err != nil {
		return err
	}
	for _, b := range []string{a.Cfg.S3BucketOriginals, a.Cfg.S3BucketRenditions} {
		if err := a.Blobs.EnsureBucket(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// Close releases everything in reverse order of opening, each step bounded
// by the shutdown timeout. Clients the app did not open (tests) are closed
// by whoever opened them, so Close only touches what Open made.
func (a *App) Close(ctx context.Context) {
	step := func(name string, f func(context.Context) error) {
		ctx, cancel := context.WithTimeout(ctx, max(a.Cfg.ShutdownTimeout, time.Second))
		defer cancel()
		if err := f(ctx); err != nil {
			a.Log.Error("shutdown: "+name, "err", err)
		}
	}
	if a.stop != nil {
		a.stop() // queued ballots not yet written are refused, never acknowledged
	}
	if a.Votes != nil && a.Votes.Gate != nil && a.Votes.Gate.Done() != nil {
		step("vote gate", func(ctx context.Context) error {
			select {
			case <-a.Votes.Gate.Done():
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}
	if a.drained != nil {
		step("vote drain", func(ctx context.Context) error {
			select {
			case <-a.drained:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}
	// The asynq client shares the Redis connection, which is closed below.
	if !a.owned {
		return
	}
	if a.Redis != nil {
		step("redis", func(context.Context) error { return a.Redis.Close() })
	}
	if a.Mongo != nil {
		step("mongo", a.Mongo.Disconnect)
	}
	if a.embedded != nil {
		step("embedded mongo", a.embedded.Stop)
	}
}

// campaignsFor is the campaign named by slug, or every campaign keep
// accepts when slug is "".
func (a *App) campaignsFor(ctx context.Context, slug string, keep func(campaigns.Campaign) bool) ([]campaigns.Campaign, error) {
	if slug != "" {
		c, err := a.Campaigns.GetBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		return []campaigns.Campaign{c}, nil
	}
	all, err := a.Campaigns.List(ctx, 0)
	if err != nil {
		return nil, err
	}
	var out []campaigns.Campaign
	for _, c := range all {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// RebuildGalleries rebuilds the gallery read model of one campaign (by
// slug) or of every campaign ("") from MongoDB, reporting each. The vote
// totals are set from the ballots (MongoDB's and the journal's) at once:
// an entry's stored total is only as fresh as the last reconcile, so the
// rebuilt cards are reconciled before this returns.
func (a *App) RebuildGalleries(ctx context.Context, slug string, report func(slug string, n int, took time.Duration)) error {
	list, err := a.campaignsFor(ctx, slug, func(campaigns.Campaign) bool { return true })
	if err != nil {
		return err
	}
	for _, c := range list {
		start := time.Now()
		n, err := a.Entries.RebuildCampaign(ctx, c.ID)
		if err != nil {
			return err
		}
		if _, err := a.ReconcileVotes(ctx, c.ID); err != nil {
			return err
		}
		report(c.Slug, n, time.Since(start))
	}
	return a.Gallery.MarkBuilt(ctx)
}

// buildVoting builds the vote gate and picks how ballots become durable.
// With a Redis that fsyncs every write, the gate journals votes there (one
// script per batch of votes) and a drainer moves them to MongoDB;
// otherwise the gate only checks and each vote waits for a group commit
// to MongoDB. Start runs them.
func (a *App) buildVoting(ctx context.Context) error {
	if err := votes.CheckRedis(ctx, a.Redis); err != nil {
		return err
	}
	cfg := a.Cfg
	gate := &votes.Gate{Redis: a.Redis, Keys: a.Gallery, Limits: voteLimits(cfg), PlayedKey: views.PlayedKey}
	a.Votes.Gate = gate
	durable := false
	if a.Cfg.VoteJournal == "auto" {
		var err error
		if durable, err = votes.Durable(ctx, a.Redis); err != nil {
			a.Log.Warn("votes: cannot read the Redis persistence settings; using group commit", "err", err)
		}
		if !durable && err == nil {
			a.Log.Warn("votes: Redis does not fsync every write (appendonly yes, appendfsync always); using group commit to MongoDB")
		}
	}
	if !durable {
		a.committer = &votes.Committer{Store: a.Ballots, MaxBatch: cfg.VoteCommitBatch, Wait: 2 * time.Millisecond}
		a.Votes.Commit = a.committer
		return nil
	}
	gate.Journal = &votes.Journal{Redis: a.Redis, Keys: a.Gallery, Batch: cfg.VoteDrainBatch}
	a.drainer = &votes.Drainer{Journal: gate.Journal, Store: a.Ballots, Tally: a.Gallery, MaxLag: cfg.VoteDrainLag, Quiet: 200 * time.Millisecond, Figures: analytics.BallotFigures,
		OnDropped: func(b votes.Ballot) {
			a.Log.Warn("votes: a journaled ballot duplicates a stored one (Redis lost a voter's record); not counted", "entry", b.EntryID)
		}}
	return nil
}

// Start runs the background loops: the vote gate's senders and the group
// committer, or the journal's drainer. Only the commands that serve votes
// or run the worker start them (serve, dev, worker); they run until Close
// (ctx gives them its values, not its end, so votes still in flight while
// HTTP shuts down are written). A second Start does nothing.
func (a *App) Start(ctx context.Context) {
	if a.stop != nil {
		return
	}
	run, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stop = stop
	if a.committer != nil {
		a.committer.Start(run)
	}
	if a.drainer != nil {
		a.drained = make(chan struct{})
		go func() {
			defer close(a.drained)
			a.drainer.Run(run, 200*time.Millisecond, func(err error) { a.Log.Error("votes: drain", "err", err) })
		}()
	}
	a.Votes.Gate.Start(run)
}

// Started reports whether Start has run the background loops.
func (a *App) Started() bool { return a.stop != nil }

// VoteDesign names how ballots become durable: "journal" or "group_commit".
func (a *App) VoteDesign() string {
	if a.Votes.Gate.Journal != nil {
		return "journal"
	}
	return "group_commit"
}

// DrainVotes moves every journaled ballot to MongoDB now (tests, benches);
// without a journal there is nothing to do.
func (a *App) DrainVotes(ctx context.Context) error {
	if a.drainer == nil {
		return nil
	}
	return a.drainer.All(ctx)
}

// ReconcileVotes recomputes one campaign's vote totals from its ballots
// and mends the counters; see votes.Reconcile.
func (a *App) ReconcileVotes(ctx context.Context, campaignID string) (votes.Report, error) {
	return votes.Reconcile(ctx, campaignID, a.voteSources())
}

// voteSources are what reconcile reads and mends.
func (a *App) voteSources() votes.Sources {
	return votes.Sources{Ballots: a.Ballots, Counters: a.Gallery, Records: a.Entries, Journal: a.Votes.Gate.Journal, Redis: a.Redis}
}

// ReconcileAllVotes reconciles one campaign (by slug), or every campaign
// whose voting has opened and closed less than a day ago ("").
func (a *App) ReconcileAllVotes(ctx context.Context, slug string, report func(slug string, r votes.Report)) error {
	now := a.now()
	list, err := a.campaignsFor(ctx, slug, func(c campaigns.Campaign) bool { return c.VotingRecent(now) })
	if err != nil {
		return err
	}
	for _, c := range list {
		r, err := a.ReconcileVotes(ctx, c.ID)
		if err != nil {
			return err
		}
		report(c.Slug, r)
	}
	return nil
}

// WatchGalleries rebuilds every gallery when Redis has lost its read models
// (checked every interval until ctx ends): shown totals and orders come
// back from MongoDB within one interval instead of waiting for an
// operator. One process rebuilds; the others see the marker.
func (a *App) WatchGalleries(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if claimed, err := a.Gallery.NeedsRebuild(ctx, 10*time.Minute); err != nil {
			a.Log.Warn("gallery: cannot check the read models", "err", err)
		} else if claimed {
			a.Log.Warn("gallery: Redis has no read models (data lost?); rebuilding from MongoDB")
			err := a.RebuildGalleries(ctx, "", func(slug string, n int, took time.Duration) {
				a.Log.Info("gallery rebuilt", "campaign", slug, "live", n, "took", took)
			})
			if err != nil {
				a.Log.Error("gallery: rebuild after a loss", "err", err)
			}
			_ = a.Gallery.RebuildDone(context.WithoutCancel(ctx))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// VoteTruth is a campaign's ballots per entry that count in public now
// (MongoDB's and the journal's; neither discounted nor held): what every
// shown total must equal; see votes.Truth and VoteTotals.
func (a *App) VoteTruth(ctx context.Context, campaignID string) (map[string]int64, error) {
	return votes.Truth(ctx, campaignID, a.Ballots, a.Votes.Gate.Journal)
}
