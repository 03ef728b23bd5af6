package gallery

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Daily counters per entry, for the entrant's dashboard: views, votes,
// share-link clicks and the entries and votes those links brought, one
// Redis hash per entry and UTC day, kept DayKeep.
const (
	DayViews       = "views"
	DayVotes       = "votes"
	DayShares      = "shares"
	DayConversions = "conversions"
	DayKeep        = 120 * 24 * time.Hour
)

// DayKey is the key of an entry's counters for the day of at.
func (x *Index) DayKey(id string, at time.Time) string {
	return "stats:" + id + ":" + at.UTC().Format("20060102")
}

// AddDay adds n to one of an entry's counters for the day of at.
func (x *Index) AddDay(ctx context.Context, id, field string, n int64, at time.Time) error {
	k := x.DayKey(id, at)
	p := x.Redis.Pipeline()
	p.HIncrBy(ctx, k, field, n)
	p.Expire(ctx, k, DayKeep)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("gallery: day counter: %w", err)
	}
	return nil
}

// Day is one UTC day of an entry's counters.
type Day struct {
	Date                              string // 2006-01-02
	Views, Votes, Shares, Conversions int64
}

// Days returns an entry's counters for the n days up to and including
// the day of until, oldest first (days with nothing are zero).
func (x *Index) Days(ctx context.Context, id string, until time.Time, n int) ([]Day, error) {
	p := x.Redis.Pipeline()
	out := make([]Day, n)
	reads := make([]func() map[string]string, n)
	for i := range n {
		day := until.UTC().AddDate(0, 0, i-n+1)
		out[i].Date = day.Format("2006-01-02")
		r := p.HGetAll(ctx, x.DayKey(id, day))
		reads[i] = r.Val
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("gallery: days: %w", err)
	}
	for i, read := range reads {
		f := read()
		num := func(k string) int64 { v, _ := strconv.ParseInt(f[k], 10, 64); return v }
		out[i].Views, out[i].Votes, out[i].Shares, out[i].Conversions = num(DayViews), num(DayVotes), num(DayShares), num(DayConversions)
	}
	return out, nil
}
