package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/votes"
	"github.com/tryout/tryout/worker"
)

// serve runs the HTTP server; with dev it also runs the worker in the same
// process (on the embedded database when no Mongo URI is set) and migrates
// first. Shutdown order: stop accepting HTTP and finish requests, drain the
// worker, then close clients.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, dev bool) error {
	if err := cfg.CheckShared(); err != nil {
		return err
	}
	log.Info("starting", "mode", map[bool]string{true: "dev", false: "serve"}[dev], "config", cfg)
	a, err := app.Open(ctx, cfg, log, dev)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	a.Start(ctx) // the vote gate and committer or drainer, until Close
	if dev {
		if err := a.Migrate(ctx); err != nil {
			return err
		}
		// Locally Redis may have been wiped while the database kept its
		// data: rebuild the small galleries so they match.
		if err := a.RebuildGalleries(ctx, "", func(slug string, n int, took time.Duration) {
			log.Info("gallery rebuilt", "campaign", slug, "live", n, "took", took)
		}); err != nil {
			return err
		}
	}
	h, err := a.Handler()
	if err != nil {
		return err
	}
	watch, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	go a.WatchGalleries(watch, cfg.GalleryCheckInterval)
	srv := a.Server(h)
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	httpErr := make(chan error, 1)
	go func() { httpErr <- srv.Serve(ln) }()
	log.Info("listening", "url", cfg.PublicURL, "admin", cfg.PublicURL+"/admin/")

	var stopWorker func()
	if dev {
		if stopWorker, err = startWorker(a); err != nil {
			_ = srv.Close()
			return err
		}
		log.Info("worker started", "concurrency", cfg.WorkerConcurrency)
	}

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-httpErr:
		if stopWorker != nil {
			stopWorker()
		}
		return fmt.Errorf("http: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown: http", "err", err)
	}
	if stopWorker != nil {
		stopWorker() // waits up to ShutdownTimeout for running tasks, re-queues the rest
	}
	if err := <-httpErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// work runs the asynq worker until ctx ends, then drains it.
func work(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if err := cfg.CheckShared(); err != nil {
		return err
	}
	log.Info("starting", "mode", "worker", "config", cfg)
	a, err := app.Open(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	a.Start(ctx) // the vote drainer (journaled ballots reach MongoDB from every process)
	stop, err := startWorker(a)
	if err != nil {
		return err
	}
	var running atomic.Bool
	running.Store(true)
	if cfg.WorkerHealthAddr != "" {
		hctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if err := a.WorkerHealth(hctx, cfg.WorkerHealthAddr, &running); err != nil {
			stop()
			return fmt.Errorf("worker health: %w", err)
		}
	}
	log.Info("worker started", "concurrency", cfg.WorkerConcurrency)
	<-ctx.Done()
	log.Info("shutting down")
	running.Store(false) // not ready while draining
	stop()
	return nil
}

// startWorker starts the task server and the periodic scheduler; the
// returned func stops both, draining running tasks.
func startWorker(a *app.App) (func(), error) {
	if n, err := worker.SweepTempDir(a.Cfg.MediaTempDir, 3*time.Hour, time.Now()); err != nil {
		a.Log.Warn("worker: sweep media temp dir", "err", err)
	} else if n > 0 {
		a.Log.Info("worker: removed work directories left by a stopped worker", "count", n)
	}
	ws, mux := a.WorkerServer()
	if err := ws.Start(mux); err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	sched, err := a.Scheduler()
	if err == nil {
		err = sched.Start()
	}
	if err != nil {
		ws.Shutdown()
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	return func() { sched.Shutdown(); ws.Shutdown() }, nil
}

// migrate creates indexes and buckets.
func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	a, err := app.Open(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	if err := a.Migrate(ctx); err != nil {
		return err
	}
	log.Info("migrated", "database", cfg.MongoDatabase, "buckets", []string{cfg.S3BucketOriginals, cfg.S3BucketRenditions})
	return nil
}

// adminCmd handles `tryout admin create-user`.
func adminCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create-user" {
		return fmt.Errorf("%w: tryout admin create-user --email E --role R [--name N] [--password P] [--if-none]", errUsage)
	}
	fs := flag.NewFlagSet("create-user", flag.ContinueOnError)
	fs.SetOutput(stdout)
	email := fs.String("email", "", "staff email (required)")
	name := fs.String("name", "", "display name")
	roleName := fs.String("role", "owner", "owner, moderator, judge or analyst")
	password := fs.String("password", "", "password, at least 12 characters (default: generated and printed once)")
	ifNone := fs.Bool("if-none", false, "do nothing when any staff account exists")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *email == "" {
		return fmt.Errorf("%w: --email is required", errUsage)
	}
	role, err := staff.ParseRole(*roleName)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	if err := a.Migrate(ctx); err != nil {
		return err
	}
	if *ifNone {
		n, err := a.Staff.Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintf(stdout, "staff accounts exist (%d); none created\n", n)
			return nil
		}
	}
	generated := *password == ""
	if generated {
		*password = staff.GeneratePassword()
	}
	u, err := staff.NewUser(ids.New(staff.IDPrefix), *email, *name, role, *password, time.Now())
	if err != nil {
		return err
	}
	if err := a.Staff.Create(ctx, u); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s account %s\n", u.Role, u.Email)
	if generated {
		fmt.Fprintf(stdout, "password (shown once, keep it safe): %s\n", *password)
	}
	return nil
}

// galleryCmd handles `tryout gallery rebuild`.
func galleryCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	return campaignCmd(ctx, cfg, log, args, stdout, "rebuild", "every campaign", func(a *app.App, slug string) error {
		return a.RebuildGalleries(ctx, slug, func(slug string, n int, took time.Duration) {
			fmt.Fprintf(stdout, "%s: %d live entries in %s\n", slug, n, took.Round(time.Millisecond))
		})
	})
}

// votesCmd handles `tryout votes reconcile`.
func votesCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	return campaignCmd(ctx, cfg, log, args, stdout, "reconcile", "every campaign with voting open or closed in the last day", func(a *app.App, slug string) error {
		return a.ReconcileAllVotes(ctx, slug, func(slug string, r votes.Report) {
			fmt.Fprintf(stdout, "%s: %d ballots on %d entries, %d counters mended\n", slug, r.Ballots, r.Entries, len(r.Differences))
			for _, d := range r.Differences {
				fmt.Fprintf(stdout, "  %s: ballots %d, counter was %d\n", d.EntryID, d.Ballots, d.Counter)
			}
			if r.Held > 0 || len(r.HeldDifferences) > 0 {
				fmt.Fprintf(stdout, "  %d ballots held for review, %d held counts mended\n", r.Held, len(r.HeldDifferences))
			}
			for _, d := range r.HeldDifferences {
				fmt.Fprintf(stdout, "  %s: held ballots %d, held count was %d\n", d.EntryID, d.Ballots, d.Counter)
			}
		})
	})
}

// campaignCmd runs a maintenance subcommand that takes [--campaign SLUG]
// ("" for its default set) against an opened app.
func campaignCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer,
	sub, all string, run func(a *app.App, slug string) error) error {
	if len(args) == 0 || args[0] != sub {
		return fmt.Errorf("%w: tryout ... %s [--campaign SLUG]", errUsage, sub)
	}
	fs := flag.NewFlagSet(sub, flag.ContinueOnError)
	fs.SetOutput(stdout)
	slug := fs.String("campaign", "", "only this campaign (default: "+all+")")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	a, err := app.Open(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	return run(a, *slug)
}
