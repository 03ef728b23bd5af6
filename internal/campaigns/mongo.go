package campaigns

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/mongodb"
)

// MongoStore keeps campaigns in one MongoDB collection.
type MongoStore struct{ c *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the given collection.
func NewMongoStore(c *mongo.Collection) *MongoStore { return &MongoStore{c: c} }

type campaignDoc struct {
	ID                   string                     `bson:"_id"`
	Slug                 string                     `bson:"slug"`
	Name                 string                     `bson:"name"`
	Description          string                     `bson:"description"`
	EntryOpensAt         time.Time                  `bson:"entry_opens_at"`
	EntryClosesAt        time.Time                  `bson:"entry_closes_at"`
	MaxFileBytes         int64                      `bson:"max_file_bytes"`
	MaxDurationSeconds   int                        `bson:"max_duration_s"`
	MaxEntriesPerEntrant int                        `bson:"max_entries_per_entrant"`
	MinAge               int                        `bson:"min_age"`
	RulesVersion         string                     `bson:"rules_version"`
	RulesText            string                     `bson:"rules_text"`
	MediaReleaseText     string                     `bson:"media_release_text"`
	ModerationMode       string                     `bson:"moderation_mode"`
	BlockedWords         []string                   `bson:"blocked_words"`
	MinDurationSeconds   int                        `bson:"min_duration_s"`
	ReportThreshold      int                        `bson:"report_threshold"`
	ReasonTemplates      []string                   `bson:"reason_templates"`
	VotingOpensAt        time.Time                  `bson:"voting_opens_at"`
	VotingClosesAt       time.Time                  `bson:"voting_closes_at"`
	VoteFrequency        string                     `bson:"vote_frequency,omitempty"`
	VoteScope            string                     `bson:"vote_scope,omitempty"`
	VotesPerPeriod       int                        `bson:"votes_per_period,omitempty"`
	VoterIdentity        string                     `bson:"voter_identity,omitempty"`
	SelfVote             bool                       `bson:"self_vote,omitempty"`
	HideTotals           bool                       `bson:"hide_totals,omitempty"`
	TimeZone             string                     `bson:"time_zone,omitempty"`
	Language             i18n.Lang                  `bson:"language,omitempty"`
	VoteChecksOff        []string                   `bson:"vote_checks_off,omitempty"`
	PerksText            string                     `bson:"perks_text"`
	Messages             messages.Set               `bson:"messages,omitempty"`
	MessagesIn           map[i18n.Lang]messages.Set `bson:"messages_in,omitempty"`
	Milestones           []int                      `bson:"milestones,omitempty"`
	PerkStage            string                     `bson:"perk_stage,omitempty"`
	BrandColor           string                     `bson:"brand_color"`
	BrandName            string                     `bson:"brand_name,omitempty"`
	LogoKey              string                     `bson:"logo_key"`
	CreatedBy            string                     `bson:"created_by"`
	CreatedAt            time.Time                  `bson:"created_at"`

	Countries             []string `bson:"countries,omitempty"`
	GuardianAge           int      `bson:"guardian_age,omitempty"`
	GuardianDays          int      `bson:"guardian_days,omitempty"`
	RetainOriginalsDays   int      `bson:"retain_originals_days,omitempty"`
	KeepWinnerOriginals   bool     `bson:"keep_winner_originals,omitempty"`
	RetainUnpublishedDays int      `bson:"retain_unpublished_days,omitempty"`
	RetainSignalsDays     int      `bson:"retain_signals_days,omitempty"`
}

// Create inserts a campaign; a taken slug is ErrSlugTaken.
func (s *MongoStore) Create(ctx context.Context, c Campaign) error {
	d := campaignDoc(c)
	d.EntryOpensAt, d.EntryClosesAt, d.CreatedAt = d.EntryOpensAt.UTC(), d.EntryClosesAt.UTC(), d.CreatedAt.UTC()
	if _, err := s.c.InsertOne(ctx, d); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("campaigns: create %q: %w", c.Slug, ErrSlugTaken)
		}
		return fmt.Errorf("campaigns: create: %w", err)
	}
	return nil
}

// Update replaces the campaign's settings (not its id or creation).
func (s *MongoStore) Update(ctx context.Context, c Campaign) error {
	d := campaignDoc(c)
	d.EntryOpensAt, d.EntryClosesAt, d.CreatedAt = d.EntryOpensAt.UTC(), d.EntryClosesAt.UTC(), d.CreatedAt.UTC()
	d.VotingOpensAt, d.VotingClosesAt = d.VotingOpensAt.UTC(), d.VotingClosesAt.UTC()
	// FerretDB reports a unique-index violation on update as an internal
	// error, so look first (and still map the error for a race).
	if other, err := s.GetBySlug(ctx, c.Slug); err == nil && other.ID != c.ID {
		return fmt.Errorf("campaigns: update %q: %w", c.Slug, ErrSlugTaken)
	}
	r, err := s.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.ID}}, d)
	if mongo.IsDuplicateKeyError(err) || (err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")) {
		return fmt.Errorf("campaigns: update %q: %w", c.Slug, ErrSlugTaken)
	}
	if err != nil {
		return fmt.Errorf("campaigns: update: %w", err)
	}
	if r.MatchedCount == 0 {
		return fmt.Errorf("campaigns: update %s: %w", c.ID, ErrNotFound)
	}
	return nil
}

// SetMessages replaces the campaign's own message templates in a
// language, and its milestones.
func (s *MongoStore) SetMessages(ctx context.Context, id string, lang i18n.Lang, set messages.Set, milestones []int) error {
	field := "messages"
	if lang != i18n.EN {
		field = "messages_in." + string(lang)
	}
	r, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: set}, {Key: "milestones", Value: milestones}}}})
	if err != nil {
		return fmt.Errorf("campaigns: set messages: %w", err)
	}
	if r.MatchedCount == 0 {
		return fmt.Errorf("campaigns: set messages %s: %w", id, ErrNotFound)
	}
	return nil
}

// Get returns a campaign by id.
func (s *MongoStore) Get(ctx context.Context, id string) (Campaign, error) {
	return s.findOne(ctx, bson.D{{Key: "_id", Value: id}})
}

// GetBySlug returns a campaign by its URL slug.
func (s *MongoStore) GetBySlug(ctx context.Context, slug string) (Campaign, error) {
	return s.findOne(ctx, bson.D{{Key: "slug", Value: slug}})
}

func (s *MongoStore) findOne(ctx context.Context, filter bson.D) (Campaign, error) {
	var d campaignDoc
	err := s.c.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Campaign{}, fmt.Errorf("campaigns: %w", ErrNotFound)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("campaigns: find: %w", err)
	}
	return Campaign(d), nil
}

// List returns the newest campaigns first.
func (s *MongoStore) List(ctx context.Context, limit int) ([]Campaign, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{}, bson.D{{Key: "created_at", Value: -1}}, limit, func(d campaignDoc) Campaign { return Campaign(d) })
	if err != nil {
		return nil, fmt.Errorf("campaigns: list: %w", err)
	}
	return out, nil
}
