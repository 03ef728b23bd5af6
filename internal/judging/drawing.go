package judging

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/ids"
)

// RunDraw draws a sweepstakes prize among the eligible entries: every live
// entry, or the live entries of a round, less those that already won when
// asked. The draw (seed, eligible list, winners) is kept before any winner
// is written, and each winner is added to the campaign's winners with the
// draw's place and prize, so the winners page and messages follow. A draw
// whose winners are all written is recorded with who ran it.
func (s *Service) RunDraw(ctx context.Context, who audit.Actor, campaignID string, req DrawRequest) (Draw, error) {
	if err := req.Validate(); err != nil {
		return Draw{}, err
	}
	eligible, source, err := s.eligible(ctx, campaignID, req)
	if err != nil {
		return Draw{}, err
	}
	if len(eligible) < req.Count {
		return Draw{}, FieldErrors{"count": "there are fewer eligible entries than winners to draw"}
	}
	seed := req.Seed
	if seed == "" {
		seed = NewSeed()
	}
	d := Draw{ID: ids.New(DrawPrefix), CampaignID: campaignID, Prize: req.Prize, Place: req.Place, Count: req.Count,
		Seed: seed, Source: source, Eligible: eligible, Winners: Pick(seed, eligible, req.Count), By: who.ID, At: s.Now()}
	if err := s.Store.AddDraw(ctx, d); err != nil {
		return Draw{}, err
	}
	for _, id := range d.Winners {
		w := campaigns.Winner{CampaignID: campaignID, EntryID: id, Place: d.Place, Prize: d.Prize, By: who.ID, At: d.At}
		if err := s.Winners.PutWinner(ctx, w); err != nil {
			return d, err
		}
	}
	s.Audit.Record(ctx, who, "draw.run", d.ID, nil, map[string]string{"campaign": campaignID, "prize": d.Prize, "seed": d.Seed,
		"eligible": strconv.Itoa(len(d.Eligible)), "winners": strings.Join(d.Winners, " "), "place": strconv.Itoa(d.Place)})
	return d, nil
}

// eligible lists the entries a draw picks from, sorted, and says which.
func (s *Service) eligible(ctx context.Context, campaignID string, req DrawRequest) ([]string, string, error) {
	live, err := s.live(ctx, campaignID)
	if err != nil {
		return nil, "", err
	}
	pool, source := make([]string, 0, len(live)), "every live entry"
	for id := range live {
		pool = append(pool, id)
	}
	if req.RoundID != "" {
		r, err := s.Store.GetRound(ctx, req.RoundID)
		if err != nil || r.CampaignID != campaignID {
			return nil, "", FieldErrors{"round": "choose a round of this campaign"}
		}
		pool, source = slices.DeleteFunc(pool, func(id string) bool { return !r.Has(id) }), "the live entries of "+r.Title()
	}
	if req.ExcludeWinners {
		won, err := s.Winners.Winners(ctx, campaignID)
		if err != nil {
			return nil, "", err
		}
		pool = slices.DeleteFunc(pool, func(id string) bool {
			return slices.ContainsFunc(won, func(w campaigns.Winner) bool { return w.EntryID == id })
		})
		source += ", less entries that had already won"
	}
	slices.Sort(pool)
	return pool, source, nil
}

// Draws lists a campaign's draws, oldest first.
func (s *Service) Draws(ctx context.Context, campaignID string) ([]Draw, error) {
	return s.Store.Draws(ctx, campaignID)
}
