package votes

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tryout/tryout/internal/mongodb"
)

// ErrDuplicate says a ballot's key (or its entry, voter and period) is
// already taken.
var ErrDuplicate = errors.New("votes: duplicate ballot")

// MongoBallots keeps ballots. Two unique one-field indexes judge
// duplicates: the ballot key, and entry_voter_period (the three joined) so
// that no scope ever counts two votes by one voter for one entry in one
// period. Both are single fields: a compound unique index inserts at a few
// hundred documents a second on FerretDB 2.
type MongoBallots struct{ c *mongo.Collection }

// NewMongoBallots returns a store over the given collection.
func NewMongoBallots(c *mongo.Collection) *MongoBallots { return &MongoBallots{c: c} }

type ballotDoc struct {
	ID             string     `bson:"_id"`
	Key            string     `bson:"key"`
	CampaignID     string     `bson:"campaign_id"`
	EntryID        string     `bson:"entry_id"`
	Voter          string     `bson:"voter"`
	Verified       bool       `bson:"verified"`
	Period         string     `bson:"period"`
	EntryVoter     string     `bson:"entry_voter_period"` // EntryVoterPeriod, unique
	At             time.Time  `bson:"at"`
	Signals        signalsDoc `bson:"signals"`
	Request        string     `bson:"request,omitempty"`
	Held           bool       `bson:"held,omitempty"`
	Hold           []string   `bson:"hold,omitempty"`
	ClearedBy      string     `bson:"cleared_by,omitempty"`
	Discounted     bool       `bson:"discounted"`
	DiscountReason string     `bson:"discount_reason,omitempty"`
	DiscountedBy   string     `bson:"discounted_by,omitempty"`
}

type signalsDoc struct {
	IPHash      string `bson:"ip_hash"`
	SubnetHash  string `bson:"subnet_hash"`
	Device      string `bson:"device"`
	UAFamily    string `bson:"ua_family"`
	SincePageMS int64  `bson:"since_page_ms"`
	Challenge   string `bson:"challenge,omitempty"`
	Automation  string `bson:"automation,omitempty"`
}

func toBallotDoc(b Ballot) ballotDoc {
	return ballotDoc{b.ID, b.Key, b.CampaignID, b.EntryID, b.Voter, b.Verified, b.Period, EntryVoterPeriod(b.EntryID, b.Voter, b.Period), b.At.UTC(), signalsDoc(b.Signals),
		b.Request, b.Held, b.Hold, b.ClearedBy, b.Discounted, b.DiscountReason, b.DiscountedBy}
}

func (d ballotDoc) ballot() Ballot {
	return Ballot{d.ID, d.Key, d.CampaignID, d.EntryID, d.Voter, d.Verified, d.Period, d.At, Signals(d.Signals),
		d.Request, d.Held, d.Hold, d.ClearedBy, d.Discounted, d.DiscountReason, d.DiscountedBy}
}

// InsertMany inserts ballots in one unordered insertMany and returns each
// one's outcome: nil (durable), ErrDuplicate, or the failure.
func (s *MongoBallots) InsertMany(ctx context.Context, bs []Ballot) []error {
	docs := make([]any, len(bs))
	for i, b := range bs {
		docs[i] = toBallotDoc(b)
	}
	out := make([]error, len(bs))
	_, err := s.c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return out
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if we.Index >= 0 && we.Index < len(out) {
				if we.Code == 11000 || mongo.IsDuplicateKeyError(we) {
					out[we.Index] = ErrDuplicate
				} else {
					out[we.Index] = fmt.Errorf("votes: insert: %w", we)
				}
			}
		}
		return out
	}
	for i := range out { // the whole batch failed: none is known durable
		out[i] = fmt.Errorf("votes: insert: %w", err)
	}
	return out
}

// EntryVoterPeriod is the one-field key that allows one ballot per entry,
// voter and period, whatever the campaign's scope.
func EntryVoterPeriod(entryID, voter, period string) string {
	return entryID + "|" + voter + "|" + period
}

// Voted reports whether the voter has a ballot for the entry in the period.
func (s *MongoBallots) Voted(ctx context.Context, entryID, voter, period string) (bool, error) {
	n, err := s.c.CountDocuments(ctx, bson.D{{Key: "entry_voter_period", Value: EntryVoterPeriod(entryID, voter, period)}})
	if err != nil {
		return false, fmt.Errorf("votes: voted: %w", err)
	}
	return n > 0, nil
}

// RequestOf implements Ballots.
func (s *MongoBallots) RequestOf(ctx context.Context, entryID, voter, period string) (string, []string, bool, error) {
	var d struct {
		Request string   `bson:"request"`
		Held    bool     `bson:"held"`
		Hold    []string `bson:"hold"`
	}
	err := s.c.FindOne(ctx, bson.D{{Key: "entry_voter_period", Value: EntryVoterPeriod(entryID, voter, period)}},
		options.FindOne().SetProjection(bson.D{{Key: "request", Value: 1}, {Key: "held", Value: 1}, {Key: "hold", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, fmt.Errorf("votes: request of: %w", err)
	}
	if !d.Held {
		d.Hold = nil
	}
	return d.Request, d.Hold, true, nil
}

// ByVoter lists the voter's ballots in a campaign and period.
func (s *MongoBallots) ByVoter(ctx context.Context, campaignID, voter, period string) ([]Ballot, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "campaign_id", Value: campaignID}, {Key: "voter", Value: voter}, {Key: "period", Value: period}},
		bson.D{{Key: "at", Value: 1}}, 0, ballotDoc.ballot)
	if err != nil {
		return nil, fmt.Errorf("votes: by voter: %w", err)
	}
	return out, nil
}

// Counts returns the ballots that count in public (not discounted, not
// held) per entry of a campaign.
func (s *MongoBallots) Counts(ctx context.Context, campaignID string) (map[string]int64, error) {
	t, err := s.Totals(ctx, campaignID)
	return t.Counted, err
}

// Totals returns a campaign's ballots per entry that count in public and
// those held, read ballot by ballot with a projection (no aggregation
// pipeline, so it runs the same on FerretDB).
func (s *MongoBallots) Totals(ctx context.Context, campaignID string) (Totals, error) {
	cur, err := s.c.Find(ctx, bson.D{{Key: "campaign_id", Value: campaignID}, {Key: "discounted", Value: false}},
		options.Find().SetProjection(bson.D{{Key: "entry_id", Value: 1}, {Key: "held", Value: 1}, {Key: "hold", Value: 1}}).SetBatchSize(5000))
	if err != nil {
		return Totals{}, fmt.Errorf("votes: counts: %w", err)
	}
	defer cur.Close(ctx)
	out := newTotals()
	for cur.Next(ctx) {
		var d struct {
			EntryID string   `bson:"entry_id"`
			Held    bool     `bson:"held"`
			Hold    []string `bson:"hold"`
		}
		if err := cur.Decode(&d); err != nil {
			return Totals{}, fmt.Errorf("votes: counts: %w", err)
		}
		out.add(Ballot{EntryID: d.EntryID, Held: d.Held, Hold: d.Hold}, 1)
	}
	return out, cur.Err()
}

// ByEntry lists an entry's ballots, oldest first (fraud review).
func (s *MongoBallots) ByEntry(ctx context.Context, entryID string, limit int) ([]Ballot, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "entry_id", Value: entryID}}, bson.D{{Key: "at", Value: 1}}, limit, ballotDoc.ballot)
	if err != nil {
		return nil, fmt.Errorf("votes: by entry: %w", err)
	}
	return out, nil
}

// SetDiscounted marks ballots discounted (kept, not counted) with who and
// why, or counts them again (a ballot counted again is no longer held:
// a person decided); it returns how many changed.
func (s *MongoBallots) SetDiscounted(ctx context.Context, ids []string, discounted bool, reason, by string) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	set := bson.D{{Key: "discounted", Value: discounted}, {Key: "discount_reason", Value: reason}, {Key: "discounted_by", Value: by}}
	if !discounted {
		set = append(set, bson.E{Key: "held", Value: false})
	}
	res, err := s.c.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "discounted", Value: !discounted}},
		bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return 0, fmt.Errorf("votes: discount: %w", err)
	}
	return res.ModifiedCount, nil
}

// Clear counts held ballots in public (by names who cleared them: a
// staff id, or "auto"); it returns how many changed.
func (s *MongoBallots) Clear(ctx context.Context, ids []string, by string) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res, err := s.c.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "held", Value: true}, {Key: "discounted", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "held", Value: false}, {Key: "cleared_by", Value: by}}}})
	if err != nil {
		return 0, fmt.Errorf("votes: clear: %w", err)
	}
	return res.ModifiedCount, nil
}

// HeldBefore lists a campaign's held ballots cast before t (oldest first,
// at most limit).
func (s *MongoBallots) HeldBefore(ctx context.Context, campaignID string, t time.Time, limit int) ([]Ballot, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "campaign_id", Value: campaignID}, {Key: "held", Value: true}, {Key: "discounted", Value: false},
		{Key: "at", Value: bson.D{{Key: "$lt", Value: t}}}}, bson.D{{Key: "at", Value: 1}}, limit, ballotDoc.ballot)
	if err != nil {
		return nil, fmt.Errorf("votes: held: %w", err)
	}
	return out, nil
}

// Between lists a campaign's ballots cast in [from, to) from one of the
// addresses (keyed hashes) or networks, oldest first, at most limit.
func (s *MongoBallots) Between(ctx context.Context, campaignID string, ips, nets []string, from, to time.Time, limit int) ([]Ballot, error) {
	f := bson.D{{Key: "campaign_id", Value: campaignID}, {Key: "at", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}},
		{Key: "$or", Value: bson.A{bson.D{{Key: "signals.ip_hash", Value: bson.D{{Key: "$in", Value: ips}}}},
			bson.D{{Key: "signals.subnet_hash", Value: bson.D{{Key: "$in", Value: nets}}}}}}}
	out, err := mongodb.FindAll(ctx, s.c, f, bson.D{{Key: "at", Value: 1}}, limit, ballotDoc.ballot)
	if err != nil {
		return nil, fmt.Errorf("votes: between: %w", err)
	}
	return out, nil
}

// CountEntry returns an entry's ballots that count in public.
func (s *MongoBallots) CountEntry(ctx context.Context, entryID string) (int64, error) {
	n, err := s.c.CountDocuments(ctx, bson.D{{Key: "entry_id", Value: entryID}, {Key: "discounted", Value: false}, {Key: "held", Value: bson.D{{Key: "$ne", Value: true}}}})
	if err != nil {
		return 0, fmt.Errorf("votes: count entry: %w", err)
	}
	return n, nil
}

// Existing reports which of the ballot ids are stored.
func (s *MongoBallots) Existing(ctx context.Context, ids []string) (map[string]bool, error) {
	type idDoc struct {
		ID string `bson:"_id"`
	}
	found, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, bson.D{{Key: "_id", Value: 1}}, 0,
		func(d idDoc) string { return d.ID })
	if err != nil {
		return nil, fmt.Errorf("votes: existing: %w", err)
	}
	out := make(map[string]bool, len(found))
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}
