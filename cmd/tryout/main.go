// Command tryout runs the Tryout video contest platform: the HTTP server,
// the background worker, both together on the embedded database for local
// development, migrations, and staff bootstrap.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/app"
)

const usage = `usage: tryout <command> [flags]

commands:
  serve                 HTTP server: public API, web pages, staff console (needs TRYOUT_MONGO_URI)
  worker                background worker: media pipeline (needs TRYOUT_MONGO_URI)
  dev                   serve and worker in one process; embedded database when TRYOUT_MONGO_URI is empty
  migrate               create indexes and buckets (idempotent)
  admin create-user     create a staff account: --email --role [--name] [--password] [--if-none]
  gallery rebuild       rebuild the galleries' Redis read models from MongoDB: [--campaign SLUG]
  votes reconcile       recompute vote totals from ballots and mend the counters: [--campaign SLUG]
  env [--markdown]      list every configuration variable with its default (--markdown: docs/CONFIG.md)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tryout:", err)
		os.Exit(1)
	}
}

// errUsage marks a command-line mistake.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given", errUsage)
		}
		return nil
	}
	if args[0] == "env" {
		printVars(stdout, len(args) > 1 && args[1] == "--markdown")
		return nil
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	app.TuneGC(getenv)
	log := newLogger(cfg, stderr)
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, false)
	case "worker":
		return work(ctx, cfg, log)
	case "dev":
		return serve(ctx, cfg, log, true)
	case "migrate":
		return migrate(ctx, cfg, log)
	case "admin":
		return adminCmd(ctx, cfg, log, args[1:], stdout)
	case "gallery":
		return galleryCmd(ctx, cfg, log, args[1:], stdout)
	case "votes":
		return votesCmd(ctx, cfg, log, args[1:], stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
