package worker

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/eligibility"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/screening"
)

// screen gathers findings with their evidence, records them and the
// fingerprint on the entry, and decides what happens next. A video that
// decodes to less than the campaign's minimum length is refused here (a
// hopeless error), however its file describes itself.
func (h *MediaHandler) screen(ctx context.Context, e entries.Entry, c campaigns.Campaign, src, dir string, p media.Probe, r entries.Renditions) (screening.Decision, error) {
	det, err := h.Media.Detect(ctx, src, p)
	if err := mediaFailure(err); err != nil {
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
	sig, err := h.Media.Signal(ctx, src, p, filepath.Join(dir, "signal"))
	if err := mediaFailure(err); err != nil {
		return screening.Decision{}, err
	}
	if f, ok := truncated(p.DurationSeconds, sig.DecodedSeconds); ok {
		fs = append(fs, f)
	}
	if reason := tooShort(sig.DecodedSeconds, c); reason != "" && sig.DecodedSeconds > 0 {
		return screening.Decision{}, hopeless(reason, entries.CodeTooShort, fmt.Errorf("decoded %.2f s", sig.DecodedSeconds))
	}
	fs = append(fs, screening.BlockedWords(c.BlockedWords, e.Title, e.Description)...)
	if eligibility.Mismatch(e.Country, e.CountrySignal) {
		fs = append(fs, screening.Finding{Kind: screening.CountryMismatch,
			Detail: fmt.Sprintf("declared %s (%s); the network it came from suggests %s (%s)", eligibility.Name(e.Country), e.Country, eligibility.Name(e.CountrySignal), e.CountrySignal)})
	}
	fileHash, err := screening.HashFile(src)
	if err != nil {
		return screening.Decision{}, err
	}
	fp := screening.NewFingerprint(sig, fileHash)
	dups, err := h.duplicates(ctx, e, fp)
	if err != nil {
		return screening.Decision{}, err
	}
	fs = append(fs, dups...)
	fs = append(fs, h.external(ctx, e, c, p, r)...)
	recorded := make([]entries.Finding, 0, len(fs))
	for _, f := range fs {
		recorded = append(recorded, entries.Finding(f))
	}
	stored := entries.Fingerprint{Data: fp.MarshalBinary(), FileHash: fp.FileHash, VideoHash: fp.VideoHash, AudioHash: fp.AudioHash}
	if err := h.Entries.SetScreening(ctx, e.ID, recorded, stored, h.Now()); err != nil {
		return screening.Decision{}, err
	}
	d := screening.Decide(screening.Mode(c.ModerationMode), p.DurationSeconds, fs)
	if len(fs) > 0 && d.Verdict == screening.Review {
		h.Log.Info("screening flagged entry", "entry", e.ID, "findings", len(fs))
	}
	return d, nil
}

// truncated is the finding for a file that plays for much less than it
// declares (cut off, or damaged part way): at least a second and a tenth
// of its length missing.
func truncated(declared, decoded float64) (screening.Finding, bool) {
	missing := declared - decoded
	if decoded <= 0 || missing < 1 || missing < 0.1*declared {
		return screening.Finding{}, false
	}
	return screening.Finding{Kind: screening.Truncated, Start: decoded, End: declared, Value: decoded,
		Detail: fmt.Sprintf("The file says it lasts %s, but only %s of it could be played: it may be damaged or cut off.",
			screening.Clock(declared), screening.Clock(decoded))}, true
}
