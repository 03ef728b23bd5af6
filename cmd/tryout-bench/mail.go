package main

import (
	"context"
	"fmt"
	"net/smtp"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/testkit"
)

const (
	mailEntrants = 1000
	// mailDeciders make the decisions at once: a few moderators, or the
	// queue's bulk approve, or media tasks finishing together.
	mailDeciders = 4
	// mailCampaignRate lifts the per-campaign send rate out of the way.
	mailCampaignRate = 1_000_000
)

// benchMail measures how long an entrant waits to hear about a decision:
// 1,000 entries in review are approved in one burst (4 concurrent streams
// of decisions through the moderation service), and each
// entrant's "is live" email is timed from its decision to its acceptance
// by a real SMTP server on loopback, through the outbox, the queue and
// the real worker (TRYOUT_WORKER_CONCURRENCY, default 2).
//
//   - mail_latency_p99: p99 of those waits; the goal is 10 s or less. The
//     campaign's send rate (TRYOUT_MAIL_PER_CAMPAIGN_PER_MINUTE, 600 by
//     default) is lifted here: at the default a 1,000-mail burst is paced
//     over two minute windows by design (worker TestCampaignSendRate), and
//     this figure is the pipeline's own latency. The
//     baseline is the same 1,000 messages composed and handed straight to
//     the same SMTP server over net/smtp with the worker's concurrency,
//     timed from the same start: the floor without the outbox and queue.
func benchMail(ctx context.Context) error {
	work, err := os.MkdirTemp("", "tryout-bench-mail-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	srv, err := testkit.NewSMTP()
	if err != nil {
		return err
	}
	defer srv.Close()
	a, cleanup, err := benchApp(ctx, work, "m", "6", map[string]string{"TRYOUT_SMTP_HOST": "127.0.0.1", "TRYOUT_SMTP_PORT": srv.Port(), "TRYOUT_SMTP_TLS": "none",
		"TRYOUT_MAIL_PER_CAMPAIGN_PER_MINUTE": strconv.Itoa(mailCampaignRate)})
	if err != nil {
		return err
	}
	defer cleanup()
	ws, mux := a.WorkerServer()
	if err := ws.Start(mux); err != nil {
		return err
	}
	defer ws.Shutdown()

	now := time.Now().UTC()
	cp := campaigns.Campaign{ID: ids.New(campaigns.IDPrefix), Slug: "mail-bench", Name: "Mail bench", EntryOpensAt: now.Add(-time.Hour),
		EntryClosesAt: now.Add(time.Hour), MaxFileBytes: 1 << 30, MaxDurationSeconds: 60, MaxEntriesPerEntrant: 1, RulesVersion: "1", CreatedAt: now}
	if err := a.Campaigns.Create(ctx, cp); err != nil {
		return err
	}
	var list []entries.Entry
	for i := range mailEntrants {
		who, err := a.Entrants.GetOrCreate(ctx, entrants.Entrant{ID: ids.New(entrants.IDPrefix), Email: "fan" + strconv.Itoa(i) + "@bench.example", DisplayName: "Fan " + strconv.Itoa(i), CreatedAt: now})
		if err != nil {
			return err
		}
		e := entries.Entry{ID: ids.New(entries.IDPrefix), CampaignID: cp.ID, EntrantID: who.ID, Title: "Entry " + strconv.Itoa(i), Status: entries.InReview,
			History: []entries.StatusChange{{To: entries.InReview, At: now}}, Original: entries.Object{Key: "o/" + strconv.Itoa(i), Size: 1}, CreatedAt: now, UpdatedAt: now}
		if err := a.Entries.Create(ctx, e); err != nil {
			return err
		}
		list = append(list, e)
	}

	// Tryout: decide all at once; time each entrant's email from its decision.
	decided := make(map[string]time.Time, mailEntrants)
	var mu sync.Mutex
	stopProfile, err := startProfile()
	if err != nil {
		return err
	}
	defer stopProfile()
	start := time.Now()
	deciders := mailDeciders
	if n, err := strconv.Atoi(os.Getenv("TRYOUT_BENCH_MAIL_DECIDERS")); err == nil && n > 0 {
		deciders = n // to try other shapes of burst
	}
	if err := each(list, deciders, func(e entries.Entry) error {
		if _, err := a.Moderate.Decide(ctx, moderation.Actor{ID: "st_bench", Email: "bench@example.com", Role: "owner"}, e.ID, moderation.Approve, "", time.Time{}); err != nil {
			return err
		}
		mu.Lock()
		decided["fan"+e.Title[len("Entry "):]+"@bench.example"] = time.Now()
		mu.Unlock()
		return nil
	}); err != nil {
		return err
	}
	decideSecs := time.Since(start).Seconds()
	got, err := waitMail(ctx, srv, mailEntrants, 10*time.Minute)
	if err != nil {
		return err
	}
	var waits []float64
	for _, m := range got {
		waits = append(waits, m.At.Sub(decided[m.To]).Seconds())
	}
	ours := percentile(waits, 99)

	// The reference: the same messages straight to SMTP, same concurrency.
	ref, err := testkit.NewSMTP()
	if err != nil {
		return err
	}
	defer ref.Close()
	start = time.Now()
	sentAt := map[string]time.Time{}
	if err := each(list, a.Cfg.WorkerConcurrency, func(e entries.Entry) error {
		to := "fan" + e.Title[len("Entry "):] + "@bench.example"
		msg := mail.Compose(mail.Message{ID: ids.New(mail.IDPrefix), To: to, Subject: "Your entry is live", Text: "Good news."}, "bench@example.com", "example.com", time.Now())
		return smtp.SendMail(ref.Addr, nil, "bench@example.com", []string{to}, msg)
	}); err != nil {
		return err
	}
	for _, m := range ref.Messages() {
		sentAt[m.To] = m.At
	}
	var refWaits []float64
	for _, t := range sentAt {
		refWaits = append(refWaits, t.Sub(start).Seconds())
	}
	bench("mail_latency_p99", ours, "s", percentile(refWaits, 99), "goal_s=10", fmt.Sprintf("entrants=%d", mailEntrants), fmt.Sprintf("campaign_rate_per_min=%d", mailCampaignRate),
		fmt.Sprintf("max_s=%.2f", slices.Max(waits)), fmt.Sprintf("decide_all_s=%.2f", decideSecs), fmt.Sprintf("deciders=%d", deciders), fmt.Sprintf("worker_concurrency=%d", a.Cfg.WorkerConcurrency))
	return nil
}

// each runs f over list with n goroutines and returns the first error.
func each(list []entries.Entry, n int, f func(entries.Entry) error) error {
	ch := make(chan entries.Entry)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range ch {
				if err := f(e); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var first error
feed:
	for _, e := range list {
		select {
		case ch <- e:
		case first = <-errs:
			break feed
		}
	}
	close(ch)
	wg.Wait()
	if first == nil && len(errs) > 0 {
		first = <-errs
	}
	return first
}

// waitMail waits until the server has n messages (or gives up after limit).
func waitMail(ctx context.Context, s *testkit.SMTPServer, n int, limit time.Duration) ([]testkit.Mail, error) {
	deadline := time.Now().Add(limit)
	for {
		got := s.Messages()
		if len(got) >= n {
			return got, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("mail bench: %d of %d messages arrived in %s", len(got), n, limit)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// percentile returns the p-th percentile of xs (nearest rank).
func percentile(xs []float64, p int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}
