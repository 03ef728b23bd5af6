package worker

import (
	"context"
	"fmt"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/eligibility"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/screening"
)

// screen gathers findings with their evidence, records them and the
// fingerprint on the entry, and decides what happens next.
func (h *MediaHandler) screen(ctx context.Context, e entries.Entry, c campaigns.Campaign, src string, p media.Probe) (screening.Decision, error) {
	det, err := h.Media.Detect(ctx, src, p)
	if err != nil {
		return screening.Decision{}, err
	}
	var fs []screening.Finding
	add := func(kind, label string, spans []media.Span) {
		for _, s := range spans {
			fs = append(fs, screening.Finding{Kind: kind, Detail: media.Describe(label, s), Start: s.Start, End: s.End, Value: s.Duration()})
		}
	}
	add(screening.Black, "black", det.Black)
	add(screening.Frozen, "frozen picture", det.Frozen)
	add(screening.Silence, "silence", det.Silent)
	if p.DurationSeconds < float64(c.MinDurationSeconds) {
		fs = append(fs, screening.Finding{Kind: screening.TooShort, Value: p.DurationSeconds,
			Detail: fmt.Sprintf("%.1f s long; the campaign expects at least %d s", p.DurationSeconds, c.MinDurationSeconds)})
	}
	fs = append(fs, screening.BlockedWords(c.BlockedWords, e.Title, e.Description)...)
	if eligibility.Mismatch(e.Country, e.CountrySignal) {
		fs = append(fs, screening.Finding{Kind: screening.CountryMismatch,
			Detail: fmt.Sprintf("declared %s (%s); the network it came from suggests %s (%s)", eligibility.Name(e.Country), e.Country, eligibility.Name(e.CountrySignal), e.CountrySignal)})
	}
	fp, err := h.Media.Fingerprint(ctx, src, p, screening.DHash)
	if err != nil {
		return screening.Decision{}, err
	}
	if f, ok, err := h.duplicate(ctx, e, fp); err != nil {
		return screening.Decision{}, err
	} else if ok {
		fs = append(fs, f)
	}
	ext, err := h.Provider.Screen(ctx, screening.Input{EntryID: e.ID, CampaignID: c.ID, Title: e.Title, Description: e.Description})
	if err != nil { // the outside service is down: a person looks instead
		h.Log.Warn("screening provider failed", "entry", e.ID, "err", err)
		fs = append(fs, screening.Finding{Kind: screening.External, Detail: "the external moderation service could not be reached"})
	}
	fs = append(fs, ext...)
	recorded := make([]entries.Finding, 0, len(fs))
	for _, f := range fs {
		recorded = append(recorded, entries.Finding(f))
	}
	if err := h.Entries.SetScreening(ctx, e.ID, recorded, fp, h.Now()); err != nil {
		return screening.Decision{}, err
	}
	d := screening.Decide(screening.Mode(c.ModerationMode), p.DurationSeconds, fs)
	if len(fs) > 0 && d.Verdict == screening.Review {
		h.Log.Info("screening flagged entry", "entry", e.ID, "findings", len(fs))
	}
	return d, nil
}

// duplicate compares the fingerprint with the campaign's other entries.
func (h *MediaHandler) duplicate(ctx context.Context, e entries.Entry, fp []uint64) (screening.Finding, bool, error) {
	others, err := h.Entries.ListByCampaign(ctx, e.CampaignID, 5000)
	if err != nil {
		return screening.Finding{}, false, err
	}
	best, title := 65.0, ""
	for _, o := range others {
		if o.ID == e.ID || o.Status == entries.Withdrawn || len(o.Fingerprint) == 0 {
			continue
		}
		if d := screening.Distance(fp, o.Fingerprint); d < best {
			best, title = d, o.Title
		}
	}
	if best > screening.DuplicateDistance {
		return screening.Finding{}, false, nil
	}
	return screening.Finding{Kind: screening.Duplicate, Value: best,
		Detail: fmt.Sprintf("looks like the entry %q (distance %.1f of 64)", title, best)}, true, nil
}
