// Command tryout-bench measures Tryout's speed and memory figures against
// real services and prints one line per figure:
//
//	BENCH <name> <value> <unit> baseline=<reference, same run> ratio=<value/baseline> [key=value...]
//
// scripts/bench.sh (make bench) starts the services and runs it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tryout/tryout/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app.TuneGC(os.Getenv) // as the tryout binary does
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tryout-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	which := "all"
	if len(args) > 0 {
		which = args[0]
	}
	if err := detectBackend(ctx); err != nil {
		return err
	}
	switch which {
	case "all":
		if err := benchGallery(ctx); err != nil {
			return err
		}
		if err := benchVotes(ctx); err != nil {
			return err
		}
		if err := benchUpload(ctx); err != nil {
			return err
		}
		if err := benchMail(ctx); err != nil {
			return err
		}
		if err := benchAnalytics(ctx); err != nil {
			return err
		}
		if err := benchDup(ctx); err != nil {
			return err
		}
		return benchTranscode(ctx)
	case "gallery":
		return benchGallery(ctx)
	case "votes":
		return benchVotes(ctx)
	case "upload":
		return benchUpload(ctx)
	case "transcode":
		return benchTranscode(ctx)
	case "mail":
		return benchMail(ctx)
	case "analytics":
		return benchAnalytics(ctx)
	case "dup":
		return benchDup(ctx)
	}
	return fmt.Errorf("unknown benchmark %q (want gallery, votes, upload, mail, analytics, dup, transcode or all)", which)
}

// bench prints one BENCH line.
func bench(name string, value float64, unit string, baseline float64, extra ...string) {
	line := fmt.Sprintf("BENCH %s %.2f %s baseline=%.2f ratio=%.3f backend=%s", name, value, unit, baseline, value/baseline, backend)
	for _, e := range extra {
		line += " " + e
	}
	fmt.Println(line)
}
