package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/export"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/staff"
)

// benchAnalytics seeds 100k live entries in one campaign (and 90 days of
// counters), then measures:
//
//   - export_rows_per_s: the entries CSV streamed from the embedded
//     FerretDB by cursor to a writer that keeps nothing, against
//     encoding/csv writing the same rows already in memory; the heap's
//     growth during the stream (sampled after a GC as the file grows) and
//     what holding the rows took, as extra fields.
//   - analytics_page_ms: the console's analytics page for that campaign
//     (Redis only: counters, the Top order, flagged ballots), sequential
//     requests over loopback, against a static file from the same server.
func benchAnalytics(ctx context.Context) error {
	work, err := os.MkdirTemp("", "tryout-bench-analytics-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	a, cleanup, err := benchApp(ctx, work, "an", "6", nil)
	if err != nil {
		return err
	}
	defer cleanup()
	now := time.Now().UTC()
	cp := campaigns.Campaign{ID: ids.New(campaigns.IDPrefix), Slug: "bench-analytics", Name: "Bench analytics", EntryOpensAt: now.AddDate(0, 0, -89),
		EntryClosesAt: now.Add(time.Hour), MaxFileBytes: 1 << 30, MaxDurationSeconds: 60, MaxEntriesPerEntrant: 1, RulesVersion: "1",
		ModerationMode: "review_all", CreatedAt: now}
	if err := a.Campaigns.Create(ctx, cp); err != nil {
		return err
	}
	if err := seedLive(ctx, a, cp.ID, galleryEntries, now); err != nil {
		return err
	}
	if _, err := a.Entries.RebuildCampaign(ctx, cp.ID); err != nil {
		return err
	}
	if err := seedCounters(ctx, a.Analytics, cp.ID, now); err != nil {
		return err
	}
	if err := benchExport(ctx, a.ExportSources(), a.Entries, a.DB.Collection(mongodb.Entries), cp.ID); err != nil {
		return err
	}
	return benchAnalyticsPage(ctx, a, cp.ID)
}

// seedCounters fills 90 days of a campaign's counters through the
// counting API (a few hundred events a day).
func seedCounters(ctx context.Context, c *analytics.Counter, campaignID string, now time.Time) error {
	saved := c.Now
	defer func() { c.Now = saved }()
	for d := 89; d >= 0; d-- {
		day := now.AddDate(0, 0, -d)
		c.Now = func() time.Time { return day }
		for i := range 200 {
			src := analytics.WithSource(ctx, campaignID, []string{"utm:newsletter/email", "ref:instagram.com", "ref:tiktok.com"}[i%3])
			if _, err := c.Visit(src, campaignID, fmt.Sprintf("d:%d-%d", d, i)); err != nil {
				return err
			}
			if i%4 == 0 {
				if err := c.Count(src, campaignID, analytics.Drafts, fmt.Sprintf("en_%d_%d", d, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// countingWriter keeps nothing and samples the live heap as the file grows.
type countingWriter struct {
	n, next int
	peak    uint64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n >= w.next {
		w.next += 4 << 20
		w.peak = max(w.peak, liveHeap())
	}
	return len(p), nil
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func benchExport(ctx context.Context, src export.Sources, store interface {
	EachByCampaign(ctx context.Context, campaignID string, fn func(entries.Entry) error) error
}, coll *mongo.Collection, campaignID string) error {
	before := liveHeap()
	w := &countingWriter{next: 1 << 20}
	start := time.Now()
	n, err := src.Entries(ctx, w, campaignID)
	secs := time.Since(start).Seconds()
	if err != nil {
		return err
	}
	if n != galleryEntries {
		return fmt.Errorf("export wrote %d rows, want %d", n, galleryEntries)
	}
	streamGrowth := float64(int64(w.peak)-int64(before)) / (1 << 20)
	// Where the time goes: the same documents read by a bare cursor (no
	// decoding into entries, no CSV).
	start = time.Now()
	cur, err := coll.Find(ctx, bson.D{{Key: "campaign_id", Value: campaignID}})
	if err != nil {
		return err
	}
	raw := 0
	for cur.Next(ctx) {
		raw++
	}
	cur.Close(ctx)
	rawSecs := time.Since(start).Seconds()
	// The baseline: the same rows held in memory, written by encoding/csv.
	var rows [][]string
	if err := store.EachByCampaign(ctx, campaignID, func(e entries.Entry) error {
		rows = append(rows, []string{e.ID, e.Title, e.CreatorName, string(e.Status), e.StatusReason, export.Time(e.CreatedAt), "",
			"", export.Int(e.Views), export.Int(e.UniqueViewers), export.Int(e.Votes), export.Bool(e.Finalist), "/e/" + e.ID})
		return nil
	}); err != nil {
		return err
	}
	held := float64(int64(liveHeap())-int64(before)) / (1 << 20)
	start = time.Now()
	cw := csv.NewWriter(io.Discard)
	cw.UseCRLF = true
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	baseSecs := time.Since(start).Seconds()
	runtime.KeepAlive(rows)
	bench("export_rows_per_s", float64(n)/secs, "rows/s", float64(len(rows))/baseSecs,
		fmt.Sprintf("rows=%d", n), fmt.Sprintf("file_mb=%.1f", float64(w.n)/(1<<20)), fmt.Sprintf("heap_growth_mb=%.1f", streamGrowth),
		fmt.Sprintf("rows_held_mb=%.1f", held), fmt.Sprintf("bare_cursor_docs_per_s=%.0f", float64(raw)/rawSecs), "source=embedded_ferretdb")
	return nil
}

func benchAnalyticsPage(ctx context.Context, a *app.App, campaignID string) error {
	u, err := staff.NewUser(ids.New(staff.IDPrefix), "analyst@bench.local", "Bench", staff.Analyst, "bench password 123", time.Now())
	if err != nil {
		return err
	}
	if err := a.Staff.Create(ctx, u); err != nil {
		return err
	}
	token, s := staff.NewSession(u.ID, time.Now(), time.Hour)
	if err := a.Sessions.CreateSession(ctx, s); err != nil {
		return err
	}
	base, stop, err := serveApp(a)
	if err != nil {
		return err
	}
	defer stop()
	const n = 300
	cookie := "tryout_staff=" + token
	if _, _, err := pageTimes(ctx, base+"/admin/campaigns/"+campaignID+"/analytics", cookie, `class="chart funnel"`, 10); err != nil {
		return err
	}
	static, _, err := pageTimes(ctx, base+"/static/site.css", "", "svg.chart", n)
	if err != nil {
		return err
	}
	mean, p99, err := pageTimes(ctx, base+"/admin/campaigns/"+campaignID+"/analytics", cookie, `class="chart funnel"`, n)
	if err != nil {
		return err
	}
	bench("analytics_page_ms", mean, "ms", static, fmt.Sprintf("p99_ms=%.1f", p99), fmt.Sprintf("entries=%d", galleryEntries),
		"days=90", fmt.Sprintf("requests=%d", n), "sequential=1")
	return nil
}

// pageTimes GETs url n times in a row with the cookie and returns the
// mean and p99 in milliseconds.
func pageTimes(ctx context.Context, url, cookie, want string, n int) (mean, p99 float64, err error) {
	var all []float64
	for range n {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, 0, err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		ms := float64(time.Since(start).Microseconds()) / 1000
		if res.StatusCode != 200 || !strings.Contains(string(b), want) {
			return 0, 0, fmt.Errorf("GET %s: %d", url, res.StatusCode)
		}
		all = append(all, ms)
	}
	sort.Float64s(all)
	for _, v := range all {
		mean += v
	}
	return mean / float64(n), all[n*99/100], nil
}
