package judging

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/staff"
)

// Entries is what judging reads and marks on entries.
type Entries interface {
	Get(ctx context.Context, id string) (entries.Entry, error)
	ListByCampaign(ctx context.Context, campaignID string, limit int) ([]entries.Entry, error)
	SetFinalist(ctx context.Context, id string, on bool) error
}

// VoteCounts gives the counted votes of a campaign's live entries (the
// gallery's read model in Redis).
type VoteCounts interface {
	Votes(ctx context.Context, campaignID string) (map[string]int64, error)
}

// Teller sends an entrant a stage's message.
type Teller interface {
	Tell(ctx context.Context, stage messages.Stage, e entries.Entry, note notify.Note) error
}

// Directory lists staff by role.
type Directory interface {
	ListByRole(ctx context.Context, r staff.Role) ([]staff.User, error)
}

// Service runs judging on its store and the campaign's entries. Every
// change it makes (setup, rounds, cuts, judges, locks, sheets, draws,
// winners, finalists) is recorded in the audit log with who made it.
type Service struct {
	Store   Store
	Entries Entries
	Votes   VoteCounts
	Teller  Teller
	Staff   Directory
	Winners campaigns.WinnerStore
	Audit   *audit.Recorder
	Now     func() time.Time
}

// Setup returns a campaign's judging setup, or the default one.
func (s *Service) Setup(ctx context.Context, campaignID string) (Setup, error) {
	st, err := s.Store.GetSetup(ctx, campaignID)
	if errors.Is(err, ErrNotFound) {
		return DefaultSetup(campaignID), nil
	}
	return st, err
}

// Blind reports whether judges of the campaign judge blind.
func (s *Service) Blind(ctx context.Context, campaignID string) bool {
	st, err := s.Setup(ctx, campaignID)
	return err != nil || st.Blind // when in doubt, hide
}

// SaveSetup validates and saves a setup, and records who saved it. Once
// any judge has scored in the campaign, criteria may be renamed and
// redescribed but their number, scales and weights stay as the judges saw
// them.
func (s *Service) SaveSetup(ctx context.Context, who audit.Actor, st Setup) (Setup, error) {
	if err := st.Validate(); err != nil {
		return st, err
	}
	old, err := s.Setup(ctx, st.CampaignID)
	if err != nil {
		return st, err
	}
	if !sameScales(old.Criteria, st.Criteria) {
		started, err := s.Store.HasSheets(ctx, st.CampaignID)
		if err != nil {
			return st, err
		}
		if started {
			return st, ErrRubricInUse
		}
	}
	st.UpdatedAt, st.By = s.Now(), who.ID
	if err := s.Store.PutSetup(ctx, st); err != nil {
		return st, err
	}
	s.Audit.Record(ctx, who, "judging.setup", st.CampaignID, nil, map[string]string{"criteria": strconv.Itoa(len(st.Criteria)),
		"jury_weight": strconv.Itoa(st.JuryWeight), "blind": strconv.FormatBool(st.Blind)})
	return st, nil
}

// AddRound appends a round to the campaign's list and records it.
func (s *Service) AddRound(ctx context.Context, who audit.Actor, r Round) (Round, error) {
	rounds, err := s.Store.Rounds(ctx, r.CampaignID)
	if err != nil {
		return r, err
	}
	r.ID, r.Number, r.CreatedAt = ids.New(RoundPrefix), len(rounds)+1, s.Now()
	r.Judges, r.Entries, r.Cut, r.Locked = nil, nil, false, false
	if err := r.Validate(); err != nil {
		return r, err
	}
	if err := s.Store.AddRound(ctx, r); err != nil {
		if errors.Is(err, ErrTaken) {
			return r, fmt.Errorf("%w: another round was added at the same moment; try again", ErrTaken)
		}
		return r, err
	}
	s.Audit.Record(ctx, who, "round.add", r.ID, nil, map[string]string{"campaign": r.CampaignID, "round": r.Title(), "kind": string(r.Kind),
		"rule": string(r.Rule), "top_n": strconv.Itoa(r.TopN)})
	return r, nil
}

// Rounds lists a campaign's rounds in order.
func (s *Service) Rounds(ctx context.Context, campaignID string) ([]Round, error) {
	return s.Store.Rounds(ctx, campaignID)
}

// Round returns one round.
func (s *Service) Round(ctx context.Context, id string) (Round, error) {
	return s.Store.GetRound(ctx, id)
}

// Judges lists the staff with the judge role.
func (s *Service) Judges(ctx context.Context) ([]staff.User, error) {
	return s.Staff.ListByRole(ctx, staff.Judge)
}

// AssignJudges sets the judges of round r (as the caller read it); each
// must have the judge role. The record has the judges before and the ids
// as given.
func (s *Service) AssignJudges(ctx context.Context, who audit.Actor, r Round, judgeIDs []string) error {
	judges, err := s.Judges(ctx)
	if err != nil {
		return err
	}
	var keep []string
	for _, id := range judgeIDs {
		if !slices.ContainsFunc(judges, func(u staff.User) bool { return u.ID == id }) {
			return FieldErrors{"judges": "only staff with the judge role can judge a round"}
		}
		if !slices.Contains(keep, id) {
			keep = append(keep, id)
		}
	}
	if err := s.Store.SetJudges(ctx, r.ID, keep); err != nil {
		return err
	}
	s.Audit.Record(ctx, who, "round.judges", r.ID, map[string]string{"judges": strings.Join(r.Judges, " ")},
		map[string]string{"judges": strings.Join(judgeIDs, " ")})
	return nil
}

// Lock stops (or lets again) judges change their sheets in a round, and
// records it.
func (s *Service) Lock(ctx context.Context, who audit.Actor, roundID string, locked bool) error {
	if err := s.Store.SetLocked(ctx, roundID, locked); err != nil {
		return err
	}
	s.Audit.Record(ctx, who, "round.lock", roundID, nil, map[string]string{"locked": strconv.FormatBool(locked)})
	return nil
}

// live lists a campaign's live entries by id.
func (s *Service) live(ctx context.Context, campaignID string) (map[string]entries.Entry, error) {
	list, err := s.Entries.ListByCampaign(ctx, campaignID, 0)
	if err != nil {
		return nil, err
	}
	out := map[string]entries.Entry{}
	for _, e := range list {
		if e.Status == entries.Live {
			out[e.ID] = e
		}
	}
	return out, nil
}

// votes returns counted votes, from the read model, falling back to the
// entry's reconciled total for one missing there.
func (s *Service) votes(ctx context.Context, campaignID string, live map[string]entries.Entry) (map[string]int64, error) {
	counted, err := s.Votes.Votes(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(live))
	for id, e := range live {
		v, ok := counted[id]
		if !ok {
			v = e.Votes
		}
		out[id] = v
	}
	return out, nil
}
