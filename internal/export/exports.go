package export

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/votes"
)

// Sources are where the exports read from: cursors, never whole lists.
type Sources struct {
	EntryStore interface {
		EachByCampaign(ctx context.Context, campaignID string, fn func(entries.Entry) error) error
	}
	EntrantStore interface {
		GetMany(ctx context.Context, ids []string) (map[string]entrants.Entrant, error)
	}
	BallotStore interface {
		EachByCampaign(ctx context.Context, campaignID string, fn func(votes.Ballot) error) error
	}
	MessageStore interface {
		EachByCampaign(ctx context.Context, campaignID string, fn func(mail.Message) error) error
	}
	// HashVoter keys a voter id (entrant or device) so no raw id leaves.
	HashVoter func(voter string) string
	// PublicURL makes the entries' links.
	PublicURL string
}

// Entries writes a campaign's entries with their status, figures and
// links: no personal data (the creator name is the public one).
func (s Sources) Entries(ctx context.Context, w io.Writer, campaignID string) (int, error) {
	cw, err := NewWriter(w, "entry_id", "title", "creator_name", "status", "status_reason", "created_at", "live_at",
		"duration_seconds", "views", "unique_viewers", "votes", "finalist", "page_url")
	if err != nil {
		return 0, err
	}
	err = s.EntryStore.EachByCampaign(ctx, campaignID, func(e entries.Entry) error {
		dur := ""
		if e.Media != nil {
			dur = fmt.Sprintf("%.1f", e.Media.DurationSeconds)
		}
		return cw.Row(e.ID, e.Title, e.CreatorName, string(e.Status), e.StatusReason, Time(e.CreatedAt), Time(liveAt(e)),
			dur, Int(e.Views), Int(e.UniqueViewers), Int(e.Votes), Bool(e.Finalist), s.PublicURL+"/e/"+e.ID)
	})
	return finish(cw, err)
}

// liveAt is when the entry last went live.
func liveAt(e entries.Entry) time.Time {
	for i := len(e.History) - 1; i >= 0; i-- {
		if e.History[i].To == entries.Live {
			return e.History[i].At
		}
	}
	return time.Time{}
}

// Entrants writes one row per entry with its entrant and the consents
// recorded on it (the text's version and when). Personal data: owners only.
// Entrants are looked up a batch of entries at a time.
func (s Sources) Entrants(ctx context.Context, w io.Writer, campaignID string) (int, error) {
	cw, err := NewWriter(w, "entrant_id", "email", "name", "entry_id", "entry_status",
		"rules_version", "rules_accepted_at", "media_release", "media_release_at", "marketing_opt_in", "marketing_at",
		"stated_birth_date", "age_confirmed_at")
	if err != nil {
		return 0, err
	}
	batch := make([]entries.Entry, 0, 500)
	flush := func() error {
		ids := make([]string, 0, len(batch))
		for _, e := range batch {
			ids = append(ids, e.EntrantID)
		}
		who, err := s.EntrantStore.GetMany(ctx, ids)
		if err != nil {
			return err
		}
		for _, e := range batch {
			p := who[e.EntrantID]
			c := consentsOf(e)
			if err := cw.Row(e.EntrantID, p.Email, p.DisplayName, e.ID, string(e.Status),
				c["rules"].Version, Time(c["rules"].At), Bool(c["media_release"].Accepted), Time(c["media_release"].At),
				Bool(c["marketing"].Accepted), Time(c["marketing"].At), c["age"].Version, Time(c["age"].At)); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	err = s.EntryStore.EachByCampaign(ctx, campaignID, func(e entries.Entry) error {
		batch = append(batch, e)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	return finish(cw, err)
}

func consentsOf(e entries.Entry) map[string]entries.Consent {
	out := make(map[string]entries.Consent, len(e.Consents))
	for _, c := range e.Consents {
		out[c.Kind] = c
	}
	return out
}

// Ballots writes every ballot with a keyed hash of its voter, whether it
// counts, and its risk signals (hashes, never addresses). Owners only.
func (s Sources) Ballots(ctx context.Context, w io.Writer, campaignID string) (int, error) {
	cw, err := NewWriter(w, "ballot_id", "entry_id", "voter_hash", "voter_kind", "cast_at", "period", "status", "discount_reason",
		"verified", "challenge", "flagged", "ms_after_page_view", "browser", "ip_hash", "network_hash", "device_hash")
	if err != nil {
		return 0, err
	}
	err = s.BallotStore.EachByCampaign(ctx, campaignID, func(b votes.Ballot) error {
		status, kind := "counted", "device"
		if b.Discounted {
			status = "discounted"
		}
		if strings.HasPrefix(b.Voter, "e:") {
			kind = "entrant"
		}
		since := ""
		if b.Signals.SincePageMS >= 0 {
			since = Int(b.Signals.SincePageMS)
		}
		device := ""
		if b.Signals.Device != "" {
			device = s.HashVoter("d:" + b.Signals.Device)
		}
		return cw.Row(b.ID, b.EntryID, s.HashVoter(b.Voter), kind, Time(b.At), b.Period, status, b.DiscountReason,
			Bool(b.Verified), b.Signals.Challenge, Bool(votes.Flagged(b)), since, b.Signals.UAFamily,
			b.Signals.IPHash, b.Signals.SubnetHash, device)
	})
	return finish(cw, err)
}

// Messages writes every message sent for the campaign with its delivery
// status. Owners only (addresses).
func (s Sources) Messages(ctx context.Context, w io.Writer, campaignID string) (int, error) {
	cw, err := NewWriter(w, "message_id", "kind", "to", "entrant_id", "entry_id", "broadcast_id", "subject", "status",
		"attempts", "last_error", "created_at", "sent_at")
	if err != nil {
		return 0, err
	}
	err = s.MessageStore.EachByCampaign(ctx, campaignID, func(m mail.Message) error {
		return cw.Row(m.ID, string(m.Kind), m.To, m.EntrantID, m.EntryID, m.Broadcast, m.Subject, string(m.Status),
			Int(m.Attempts), m.LastError, Time(m.CreatedAt), Time(m.SentAt))
	})
	return finish(cw, err)
}

// Daily writes a campaign's funnel per UTC day: aggregates only.
func Daily(w io.Writer, r analytics.Report) (int, error) {
	header := []string{"date"}
	for _, s := range analytics.Funnel {
		header = append(header, string(s))
	}
	header = append(header, string(analytics.VotesFlagged), string(analytics.VotesDiscounted))
	cw, err := NewWriter(w, header...)
	if err != nil {
		return 0, err
	}
	for _, d := range r.Days {
		row := []string{d.Date.Format(time.DateOnly)}
		for _, s := range header[1:] {
			row = append(row, Int(d.Counts[analytics.Step(s)]))
		}
		if err := cw.Row(row...); err != nil {
			return finish(cw, err)
		}
	}
	return finish(cw, nil)
}

// finish flushes and reports the data rows written.
func finish(cw *Writer, err error) (int, error) {
	if ferr := cw.Flush(); err == nil {
		err = ferr
	}
	return cw.Rows() - 1, err
}
