package analytics

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Day is one UTC day of a campaign's counts.
type Day struct {
	Date   time.Time
	Counts map[Step]int64
}

// SourceRow is what one source brought, step by step.
type SourceRow struct {
	Source string // as SourceOf wrote it; Other past the limit
	Counts map[Step]int64
}

// Label is the source for people.
func (r SourceRow) Label() string { return SourceLabel(r.Source) }

// Report is a campaign's counters: totals, each day from From to To, and
// the sources, most visits first.
type Report struct {
	Totals  map[Step]int64
	Days    []Day
	Sources []SourceRow
}

// MaxDays bounds a report's series.
const MaxDays = 366

// Report reads a campaign's counters for the UTC days from..to (at most
// MaxDays, the latest kept): a few hashes in one round trip.
func (c *Counter) Report(ctx context.Context, campaignID string, from, to time.Time) (Report, error) {
	from, to = day(from), day(to)
	if to.Before(from) {
		from = to
	}
	if n := int(to.Sub(from).Hours()/24) + 1; n > MaxDays {
		from = to.AddDate(0, 0, -MaxDays+1)
	}
	p := c.Redis.Pipeline()
	tot := p.HGetAll(ctx, TotalsKey(campaignID))
	src := p.HGetAll(ctx, key(campaignID, "src"))
	var days []*redis.MapStringStringCmd
	var dates []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		days = append(days, p.HGetAll(ctx, DayKey(campaignID, d)))
		dates = append(dates, d)
	}
	if _, err := p.Exec(ctx); err != nil {
		return Report{}, fmt.Errorf("analytics: report: %w", err)
	}
	r := Report{Totals: counts(tot.Val())}
	for i, d := range days {
		r.Days = append(r.Days, Day{Date: dates[i], Counts: counts(d.Val())})
	}
	bySource := map[string]map[Step]int64{}
	for f, v := range src.Val() {
		s, step, ok := strings.Cut(f, "|")
		if !ok {
			continue
		}
		if bySource[s] == nil {
			bySource[s] = map[Step]int64{}
		}
		bySource[s][Step(step)] += num(v)
	}
	for s, m := range bySource {
		r.Sources = append(r.Sources, SourceRow{Source: s, Counts: m})
	}
	sort.Slice(r.Sources, func(i, j int) bool {
		a, b := r.Sources[i].Counts, r.Sources[j].Counts
		if a[Visits] != b[Visits] {
			return a[Visits] > b[Visits]
		}
		return r.Sources[i].Source < r.Sources[j].Source
	})
	return r, nil
}

// Flagged reads the flagged ballots of the given entries.
func (c *Counter) Flagged(ctx context.Context, campaignID string, entryIDs []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(entryIDs) == 0 {
		return out, nil
	}
	vals, err := c.Redis.HMGet(ctx, FlaggedKey(campaignID), entryIDs...).Result()
	if err != nil {
		return nil, fmt.Errorf("analytics: flagged: %w", err)
	}
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[entryIDs[i]] = num(s)
		}
	}
	return out, nil
}

func counts(m map[string]string) map[Step]int64 {
	out := make(map[Step]int64, len(m))
	for k, v := range m {
		out[Step(k)] = num(v)
	}
	return out
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
