package judging

import (
	"context"
	"errors"
	"strconv"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/staff"
)

// State is where a judge stands with one entry.
type State string

// The states of a judge's task.
const (
	ToScore   State = "to_score"
	Scored    State = "scored"
	Abstained State = "conflict"
)

// Task is one entry on a judge's list in a round.
type Task struct {
	Entry entries.Entry
	State State
	Sheet Sheet
}

// Tasks lists a judge's entries in the round, in the round's order, with
// the judge's own sheets (never anyone else's). Entries taken down since
// the cut are left out.
func (s *Service) Tasks(ctx context.Context, r Round, judgeID string) ([]Task, error) {
	if !r.IsJudge(judgeID) {
		return nil, ErrNotJudge
	}
	live, err := s.live(ctx, r.CampaignID)
	if err != nil {
		return nil, err
	}
	sheets, err := s.Store.Sheets(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	mine := map[string]Sheet{}
	for _, sh := range sheets {
		if sh.JudgeID == judgeID {
			mine[sh.EntryID] = sh
		}
	}
	var out []Task
	for _, id := range r.Entries {
		e, ok := live[id]
		if !ok {
			continue
		}
		t := Task{Entry: e, State: ToScore}
		if sh, ok := mine[id]; ok {
			t.Sheet, t.State = sh, Scored
			if sh.Conflict {
				t.State = Abstained
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// Progress is how far one judge is in a round.
type Progress struct {
	Judge     staff.User
	Scored    int
	Conflicts int
	Of        int
}

// Done reports whether the judge has nothing left to do.
func (p Progress) Done() bool { return p.Scored+p.Conflicts >= p.Of }

// Progress lists each judge's progress in the round.
func (s *Service) Progress(ctx context.Context, r Round) ([]Progress, error) {
	judges, err := s.Judges(ctx)
	if err != nil {
		return nil, err
	}
	sheets, err := s.Store.Sheets(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	var out []Progress
	for _, u := range judges {
		if !r.IsJudge(u.ID) {
			continue
		}
		p := Progress{Judge: u, Of: len(r.Entries)}
		for _, sh := range sheets {
			switch {
			case sh.JudgeID != u.ID || !r.Has(sh.EntryID):
			case sh.Conflict:
				p.Conflicts++
			default:
				p.Scored++
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// may checks that a judge may write a sheet for the entry in the round.
func (s *Service) may(ctx context.Context, r Round, judgeID, entryID string) error {
	switch {
	case !r.IsJudge(judgeID):
		return ErrNotJudge
	case r.Locked:
		return ErrLocked
	case !r.Has(entryID):
		return ErrNotInRound
	}
	old, err := s.Store.GetSheet(ctx, r.ID, judgeID, entryID)
	if err == nil && old.Conflict {
		return ErrConflict
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// Score saves the judge's (who's) numbers and comment for an entry
// (replacing their earlier sheet) and records them with the sheet's raw
// weighted total. Every criterion needs a number on its scale.
func (s *Service) Score(ctx context.Context, who audit.Actor, r Round, entryID string, values map[string]int, comment string) (Sheet, error) {
	sh := Sheet{RoundID: r.ID, CampaignID: r.CampaignID, JudgeID: who.ID, EntryID: entryID, Values: values}
	if err := s.may(ctx, r, who.ID, entryID); err != nil {
		return sh, err
	}
	setup, err := s.Setup(ctx, r.CampaignID)
	if err != nil {
		return sh, err
	}
	if sh.Comment, err = checkComment(comment); err != nil {
		return sh, err
	}
	if err := setup.CheckValues(values); err != nil {
		return sh, err
	}
	sh.At = s.Now()
	if err := s.Store.PutSheet(ctx, sh); err != nil {
		return sh, err
	}
	after := map[string]string{"entry": entryID, "raw": strconv.FormatFloat(setup.Raw(sh.Values), 'f', 2, 64)}
	for k, v := range sh.Values {
		after[k] = strconv.Itoa(v)
	}
	s.Audit.Record(ctx, who, "score.save", r.ID, nil, after)
	return sh, nil
}

// Abstain records a judge's (who's) conflict of interest with an entry:
// any score they gave it is dropped, and the others' scores decide. It
// cannot be taken back by the judge; declaring it again changes nothing
// and is not an error. Each declaration is audited.
func (s *Service) Abstain(ctx context.Context, who audit.Actor, r Round, entryID string) (Sheet, error) {
	sh := Sheet{RoundID: r.ID, CampaignID: r.CampaignID, JudgeID: who.ID, EntryID: entryID, Conflict: true}
	switch err := s.may(ctx, r, who.ID, entryID); {
	case errors.Is(err, ErrConflict): // declared before: it stands as it was
	case err != nil:
		return sh, err
	default:
		sh.At = s.Now()
		if err := s.Store.PutSheet(ctx, sh); err != nil {
			return sh, err
		}
	}
	s.Audit.Record(ctx, who, "score.conflict", r.ID, nil, map[string]string{"entry": entryID})
	return sh, nil
}

// Ranking is the round's hybrid ranking of its entries still live.
func (s *Service) Ranking(ctx context.Context, r Round) ([]Standing, error) {
	if !r.Cut {
		return nil, ErrNotCut
	}
	setup, err := s.Setup(ctx, r.CampaignID)
	if err != nil {
		return nil, err
	}
	live, err := s.live(ctx, r.CampaignID)
	if err != nil {
		return nil, err
	}
	votes, err := s.votes(ctx, r.CampaignID, live)
	if err != nil {
		return nil, err
	}
	sheets, err := s.Store.Sheets(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	var facts []Facts
	for _, id := range r.Entries {
		if e, ok := live[id]; ok {
			facts = append(facts, Facts{ID: id, Title: e.Title, Votes: votes[id], CreatedAt: e.CreatedAt})
		}
	}
	return Rank(setup, facts, sheets, setup.JuryWeight), nil
}

// CSVRows are a round's sheets with the entries' titles, the judges'
// emails and the normalised scores, by judge then entry.
func (s *Service) CSVRows(ctx context.Context, r Round) (Setup, []CSVRow, error) {
	setup, err := s.Setup(ctx, r.CampaignID)
	if err != nil {
		return setup, nil, err
	}
	sheets, err := s.Store.Sheets(ctx, r.ID)
	if err != nil {
		return setup, nil, err
	}
	list, err := s.Entries.ListByCampaign(ctx, r.CampaignID, 0)
	if err != nil {
		return setup, nil, err
	}
	titles := map[string]string{}
	for _, e := range list {
		titles[e.ID] = e.Title
	}
	judges, err := s.Judges(ctx)
	if err != nil {
		return setup, nil, err
	}
	emails := map[string]string{}
	for _, u := range judges {
		emails[u.ID] = u.Email
	}
	z := Normalise(setup, sheets)
	rows := make([]CSVRow, 0, len(sheets))
	for _, sh := range sheets {
		judge := emails[sh.JudgeID]
		if judge == "" {
			judge = sh.JudgeID // no longer a judge
		}
		rows = append(rows, CSVRow{Sheet: sh, Title: titles[sh.EntryID], Judge: judge, Z: z[sh.JudgeID][sh.EntryID]})
	}
	return setup, rows, nil
}
