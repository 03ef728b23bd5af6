package moderation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/i18n"

	"github.com/tryout/tryout/internal/mongodb"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
)

// Report is a fan's report of a live entry. Reporter is an entrant id or a
// keyed hash of the client address, never the address itself.
type Report struct {
	ID, EntryID, CampaignID string
	Reporter                string
	Reason                  string
	Text                    string
	CreatedAt               time.Time
}

// ReportReason is one reason a fan can pick.
type ReportReason struct{ Key, Label string }

// ReportReasons are the reasons a fan can pick, in the order shown.
var ReportReasons = []ReportReason{
	{"inappropriate", i18n.Mark("Inappropriate or offensive")},
	{"copyright", i18n.Mark("Uses someone else's work")},
	{"privacy", i18n.Mark("Shows someone without their consent")},
	{"spam", i18n.Mark("Spam or not a real entry")},
	{"other", i18n.Mark("Something else")},
}

// ReasonLabel names a report reason key ("" if unknown).
func ReasonLabel(key string) string {
	for _, r := range ReportReasons {
		if r.Key == key {
			return r.Label
		}
	}
	return ""
}

// Errors callers can test with errors.Is.
var (
	ErrInvalidReport   = errors.New("invalid report")
	ErrAlreadyReported = errors.New("already reported")
	ErrNotReportable   = errors.New("only live entries can be reported")
)

// ReportStore keeps reports; one per reporter and entry (unique index).
type ReportStore interface {
	Add(ctx context.Context, r Report) error
	CountSince(ctx context.Context, entryID string, since time.Time) (int, error)
	List(ctx context.Context, limit int) ([]Report, error)
}

// Reports takes fan reports and sends an entry back to review when its
// campaign's threshold is reached.
type Reports struct {
	Store     ReportStore
	Entries   entries.Store
	Campaigns campaigns.Store
	Decide    *Service
	Now       func() time.Time
}

// File records a report of a live entry. It returns whether the report
// sent the entry back to review.
func (r *Reports) File(ctx context.Context, entryID, reporter, reason, text string) (bool, error) {
	if ReasonLabel(reason) == "" {
		return false, fmt.Errorf("%w: pick one of the listed reasons", ErrInvalidReport)
	}
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > 1000 {
		return false, fmt.Errorf("%w: keep the details under 1000 characters", ErrInvalidReport)
	}
	e, err := r.Entries.Get(ctx, entryID)
	if err != nil {
		return false, err
	}
	if e.Status != entries.Live {
		return false, ErrNotReportable
	}
	now := r.Now()
	if err := r.Store.Add(ctx, Report{ID: ids.New("rp_"), EntryID: e.ID, CampaignID: e.CampaignID, Reporter: reporter, Reason: reason, Text: text, CreatedAt: now}); err != nil {
		return false, err
	}
	c, err := r.Campaigns.Get(ctx, e.CampaignID)
	if err != nil {
		return false, err
	}
	threshold := c.ReportThreshold
	if threshold <= 0 {
		threshold = 3
	}
	n, err := r.Store.CountSince(ctx, e.ID, liveSince(e))
	if err != nil || n < threshold {
		return false, err
	}
	_, err = r.Decide.ReturnToReview(ctx, e, fmt.Sprintf("Back in review after %d reports from viewers.", n))
	if errors.Is(err, ErrAlreadyDecided) {
		return false, nil // another report or a moderator got there first
	}
	return err == nil, err
}

// liveSince is when the entry last went live: reports from before that
// were already considered.
func liveSince(e entries.Entry) time.Time {
	for i := len(e.History) - 1; i >= 0; i-- {
		if e.History[i].To == entries.Live {
			return e.History[i].At
		}
	}
	return time.Time{}
}

// MongoReports keeps reports in MongoDB.
type MongoReports struct{ c *mongo.Collection }

// NewMongoReports returns a report store over the collection.
func NewMongoReports(c *mongo.Collection) *MongoReports { return &MongoReports{c: c} }

type reportDoc struct {
	ID         string    `bson:"_id"`
	EntryID    string    `bson:"entry_id"`
	CampaignID string    `bson:"campaign_id"`
	Reporter   string    `bson:"reporter"`
	Reason     string    `bson:"reason"`
	Text       string    `bson:"text"`
	CreatedAt  time.Time `bson:"created_at"`
}

// Add inserts a report; a second one by the same reporter is ErrAlreadyReported.
func (s *MongoReports) Add(ctx context.Context, r Report) error {
	d := reportDoc(r)
	d.CreatedAt = d.CreatedAt.UTC()
	// entry_reporter (entry|reporter) is the one-field unique key: one
	// report per reporter and entry.
	rec := struct {
		Report        reportDoc `bson:",inline"`
		EntryReporter string    `bson:"entry_reporter"`
	}{d, r.EntryID + "|" + r.Reporter}
	if _, err := s.c.InsertOne(ctx, rec); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return ErrAlreadyReported
		}
		return fmt.Errorf("reports: add: %w", err)
	}
	return nil
}

// CountSince counts an entry's reports made after since.
func (s *MongoReports) CountSince(ctx context.Context, entryID string, since time.Time) (int, error) {
	n, err := s.c.CountDocuments(ctx, bson.D{{Key: "entry_id", Value: entryID}, {Key: "created_at", Value: bson.D{{Key: "$gte", Value: since.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("reports: count: %w", err)
	}
	return int(n), nil
}

// List returns the newest reports first.
func (s *MongoReports) List(ctx context.Context, limit int) ([]Report, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{}, bson.D{{Key: "created_at", Value: -1}}, limit, func(d reportDoc) Report { return Report(d) })
	if err != nil {
		return nil, fmt.Errorf("reports: list: %w", err)
	}
	return out, nil
}
