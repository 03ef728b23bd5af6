package judging

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tryout/tryout/internal/mongodb"
)

// MongoStore keeps judging in four collections: setups keyed by campaign,
// rounds by id (with a one-field unique key campaign|number), sheets by
// round|judge|entry, draws by id.
type MongoStore struct{ setups, rounds, sheets, draws *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the database's judging collections.
func NewMongoStore(db *mongo.Database) *MongoStore {
	return &MongoStore{db.Collection(mongodb.Judging), db.Collection(mongodb.Rounds), db.Collection(mongodb.Scores), db.Collection(mongodb.Draws)}
}

type criterionDoc struct {
	Key         string  `bson:"key"`
	Name        string  `bson:"name"`
	Description string  `bson:"description,omitempty"`
	Min         int     `bson:"min"`
	Max         int     `bson:"max"`
	Weight      float64 `bson:"weight"`
}

type setupDoc struct {
	CampaignID string         `bson:"_id"`
	Criteria   []criterionDoc `bson:"criteria"`
	JuryWeight int            `bson:"jury_weight"`
	Blind      bool           `bson:"blind"`
	UpdatedAt  time.Time      `bson:"updated_at"`
	By         string         `bson:"by"`
}

// GetSetup implements Store.
func (s *MongoStore) GetSetup(ctx context.Context, campaignID string) (Setup, error) {
	var d setupDoc
	if err := one(ctx, s.setups, campaignID, &d); err != nil {
		return Setup{}, err
	}
	out := Setup{CampaignID: d.CampaignID, JuryWeight: d.JuryWeight, Blind: d.Blind, UpdatedAt: d.UpdatedAt, By: d.By}
	for _, c := range d.Criteria {
		out.Criteria = append(out.Criteria, Criterion(c))
	}
	return out, nil
}

// PutSetup implements Store.
func (s *MongoStore) PutSetup(ctx context.Context, st Setup) error {
	d := setupDoc{CampaignID: st.CampaignID, JuryWeight: st.JuryWeight, Blind: st.Blind, UpdatedAt: st.UpdatedAt.UTC(), By: st.By, Criteria: []criterionDoc{}}
	for _, c := range st.Criteria {
		d.Criteria = append(d.Criteria, criterionDoc(c))
	}
	_, err := s.setups.ReplaceOne(ctx, bson.D{{Key: "_id", Value: st.CampaignID}}, d, options.Replace().SetUpsert(true))
	return wrap("put setup", err)
}

type roundDoc struct {
	ID         string    `bson:"_id"`
	Key        string    `bson:"key"`
	CampaignID string    `bson:"campaign_id"`
	Number     int       `bson:"number"`
	Name       string    `bson:"name"`
	Kind       string    `bson:"kind"`
	Rule       string    `bson:"rule"`
	TopN       int       `bson:"top_n"`
	Judges     []string  `bson:"judges"`
	Entries    []string  `bson:"entries"`
	Cut        bool      `bson:"cut"`
	CutAt      time.Time `bson:"cut_at,omitempty"`
	CutBy      string    `bson:"cut_by,omitempty"`
	Locked     bool      `bson:"locked"`
	CreatedAt  time.Time `bson:"created_at"`
}

func (d roundDoc) round() Round {
	return Round{ID: d.ID, CampaignID: d.CampaignID, Number: d.Number, Name: d.Name, Kind: Kind(d.Kind), Rule: Rule(d.Rule), TopN: d.TopN,
		Judges: d.Judges, Entries: d.Entries, Cut: d.Cut, CutAt: d.CutAt, CutBy: d.CutBy, Locked: d.Locked, CreatedAt: d.CreatedAt}
}

// AddRound implements Store.
func (s *MongoStore) AddRound(ctx context.Context, r Round) error {
	d := roundDoc{ID: r.ID, Key: r.CampaignID + "|" + strconv.Itoa(r.Number), CampaignID: r.CampaignID, Number: r.Number, Name: r.Name,
		Kind: string(r.Kind), Rule: string(r.Rule), TopN: r.TopN, Judges: nonNil(r.Judges), Entries: nonNil(r.Entries), CreatedAt: r.CreatedAt.UTC()}
	if _, err := s.rounds.InsertOne(ctx, d); err != nil {
		if mongodb.IsDuplicate(err) {
			return fmt.Errorf("judging: round %d: %w", r.Number, ErrTaken)
		}
		return wrap("add round", err)
	}
	return nil
}

// GetRound implements Store.
func (s *MongoStore) GetRound(ctx context.Context, id string) (Round, error) {
	var d roundDoc
	if err := one(ctx, s.rounds, id, &d); err != nil {
		return Round{}, err
	}
	return d.round(), nil
}

// Rounds implements Store.
func (s *MongoStore) Rounds(ctx context.Context, campaignID string) ([]Round, error) {
	out, err := mongodb.FindAll(ctx, s.rounds, bson.D{{Key: "campaign_id", Value: campaignID}}, bson.D{{Key: "number", Value: 1}}, 0, roundDoc.round)
	return out, wrap("rounds", err)
}

// RoundsOfJudge implements Store.
func (s *MongoStore) RoundsOfJudge(ctx context.Context, judgeID string) ([]Round, error) {
	out, err := mongodb.FindAll(ctx, s.rounds, bson.D{{Key: "judges", Value: judgeID}}, bson.D{{Key: "created_at", Value: 1}}, 0, roundDoc.round)
	return out, wrap("rounds of judge", err)
}

// SetJudges implements Store.
func (s *MongoStore) SetJudges(ctx context.Context, roundID string, judges []string) error {
	return s.setRound(ctx, bson.D{{Key: "_id", Value: roundID}}, bson.D{{Key: "judges", Value: nonNil(judges)}})
}

// SetLocked implements Store.
func (s *MongoStore) SetLocked(ctx context.Context, roundID string, locked bool) error {
	return s.setRound(ctx, bson.D{{Key: "_id", Value: roundID}}, bson.D{{Key: "locked", Value: locked}})
}

// SetCut implements Store: one update that only matches a round not cut
// yet, so two owners applying at once cannot both win.
func (s *MongoStore) SetCut(ctx context.Context, r Round) error {
	err := s.setRound(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "cut", Value: false}},
		bson.D{{Key: "entries", Value: nonNil(r.Entries)}, {Key: "cut", Value: true}, {Key: "cut_at", Value: r.CutAt.UTC()}, {Key: "cut_by", Value: r.CutBy}})
	if errors.Is(err, ErrNotFound) {
		if _, gerr := s.GetRound(ctx, r.ID); gerr == nil {
			return ErrCutApplied
		}
	}
	return err
}

func (s *MongoStore) setRound(ctx context.Context, filter, set bson.D) error {
	res, err := s.rounds.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return wrap("update round", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("judging: round: %w", ErrNotFound)
	}
	return nil
}

type sheetDoc struct {
	ID         string         `bson:"_id"`
	RoundID    string         `bson:"round_id"`
	CampaignID string         `bson:"campaign_id"`
	JudgeID    string         `bson:"judge_id"`
	EntryID    string         `bson:"entry_id"`
	Values     map[string]int `bson:"values,omitempty"`
	Comment    string         `bson:"comment,omitempty"`
	Conflict   bool           `bson:"conflict"`
	At         time.Time      `bson:"at"`
}

func (d sheetDoc) sheet() Sheet {
	return Sheet{RoundID: d.RoundID, CampaignID: d.CampaignID, JudgeID: d.JudgeID, EntryID: d.EntryID, Values: d.Values, Comment: d.Comment, Conflict: d.Conflict, At: d.At}
}

// PutSheet implements Store.
func (s *MongoStore) PutSheet(ctx context.Context, sh Sheet) error {
	id := SheetID(sh.RoundID, sh.JudgeID, sh.EntryID)
	d := sheetDoc{id, sh.RoundID, sh.CampaignID, sh.JudgeID, sh.EntryID, sh.Values, sh.Comment, sh.Conflict, sh.At.UTC()}
	_, err := s.sheets.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, d, options.Replace().SetUpsert(true))
	return wrap("put sheet", err)
}

// GetSheet implements Store.
func (s *MongoStore) GetSheet(ctx context.Context, roundID, judgeID, entryID string) (Sheet, error) {
	var d sheetDoc
	if err := one(ctx, s.sheets, SheetID(roundID, judgeID, entryID), &d); err != nil {
		return Sheet{}, err
	}
	return d.sheet(), nil
}

// Sheets implements Store.
func (s *MongoStore) Sheets(ctx context.Context, roundID string) ([]Sheet, error) {
	out, err := mongodb.FindAll(ctx, s.sheets, bson.D{{Key: "round_id", Value: roundID}}, bson.D{{Key: "_id", Value: 1}}, 0, sheetDoc.sheet)
	return out, wrap("sheets", err)
}

// HasSheets implements Store.
func (s *MongoStore) HasSheets(ctx context.Context, campaignID string) (bool, error) {
	n, err := s.sheets.CountDocuments(ctx, bson.D{{Key: "campaign_id", Value: campaignID}}, options.Count().SetLimit(1))
	return n > 0, wrap("has sheets", err)
}

type drawDoc struct {
	ID         string    `bson:"_id"`
	CampaignID string    `bson:"campaign_id"`
	Prize      string    `bson:"prize"`
	Place      int       `bson:"place"`
	Count      int       `bson:"count"`
	Seed       string    `bson:"seed"`
	Source     string    `bson:"source"`
	Eligible   []string  `bson:"eligible"`
	Winners    []string  `bson:"winners"`
	By         string    `bson:"by"`
	At         time.Time `bson:"at"`
}

// AddDraw implements Store.
func (s *MongoStore) AddDraw(ctx context.Context, d Draw) error {
	doc := drawDoc(d)
	doc.At, doc.Eligible, doc.Winners = d.At.UTC(), nonNil(d.Eligible), nonNil(d.Winners)
	_, err := s.draws.InsertOne(ctx, doc)
	return wrap("add draw", err)
}

// Draws implements Store.
func (s *MongoStore) Draws(ctx context.Context, campaignID string) ([]Draw, error) {
	out, err := mongodb.FindAll(ctx, s.draws, bson.D{{Key: "campaign_id", Value: campaignID}}, bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, 0,
		func(d drawDoc) Draw { return Draw(d) })
	return out, wrap("draws", err)
}

// one reads the document with an _id into d.
func one(ctx context.Context, c *mongo.Collection, id string, d any) error {
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(d)
	if mongodb.IsNotFound(err) {
		return fmt.Errorf("judging: %s: %w", c.Name(), ErrNotFound)
	}
	return wrap("get", err)
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("judging: %s: %w", op, err)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
