package worker

import (
	"context"
	"fmt"
	"sort"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/screening"
)

// maxSimilar bounds the similar-entry findings on one entry: the best
// matches are what a person needs.
const maxSimilar = 3

// duplicates compares the fingerprint with the campaign's other entries
// (not withdrawn ones, nor ones whose processing failed). An exact copy is
// a Duplicate finding (which screening may refuse); anything merely
// similar is a Similar finding with its evidence: the other entry, the
// matching time ranges in both, the score.
func (h *MediaHandler) duplicates(ctx context.Context, e entries.Entry, fp screening.Fingerprint) ([]screening.Finding, error) {
	others, err := h.Entries.ListByCampaign(ctx, e.CampaignID, 5000)
	if err != nil {
		return nil, err
	}
	var exact, similar []screening.Finding
	for _, o := range others {
		if o.ID == e.ID || o.Status == entries.Withdrawn || o.Status == entries.Failed || len(o.Fingerprint.Data) == 0 {
			continue
		}
		ofp, err := screening.UnmarshalFingerprint(o.Fingerprint.Data, screening.Fingerprint{
			FileHash: o.Fingerprint.FileHash, VideoHash: o.Fingerprint.VideoHash, AudioHash: o.Fingerprint.AudioHash})
		if err != nil {
			continue // made by an older version: not comparable
		}
		m := screening.Compare(fp, ofp)
		if !m.Similar() {
			continue
		}
		f := screening.Finding{Kind: screening.Similar, Value: m.Score, Other: o.ID,
			Start: m.AStart, End: m.AEnd, OtherStart: m.BStart, OtherEnd: m.BEnd, Detail: evidence(m, o.Title)}
		if m.Identical != "" {
			f.Kind = screening.Duplicate
			exact = append(exact, f)
			continue
		}
		similar = append(similar, f)
	}
	sort.SliceStable(similar, func(i, j int) bool { return similar[i].Value > similar[j].Value })
	return append(exact[:min(1, len(exact))], similar[:min(maxSimilar, len(similar))]...), nil
}

// evidence writes a match for the moderator.
func evidence(m screening.Match, title string) string {
	switch m.Identical {
	case "file":
		return fmt.Sprintf("the very same file as the entry %q", title)
	case "decoded":
		return fmt.Sprintf("exactly the same pictures and sound as the entry %q (a copy in another container)", title)
	}
	sound := "no sound to compare"
	if m.Audio >= 0 {
		sound = fmt.Sprintf("sound %.0f%%", m.Audio*100)
	}
	return fmt.Sprintf("looks like the entry %q: %s-%s here matches %s-%s there (score %.2f: pictures %.0f%%, %s)",
		title, screening.Clock(m.AStart), screening.Clock(m.AEnd), screening.Clock(m.BStart), screening.Clock(m.BEnd), m.Score, m.Visual*100, sound)
}
