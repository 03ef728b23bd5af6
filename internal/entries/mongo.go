package entries

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/mongodb"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// MongoStore keeps entries in one MongoDB collection.
type MongoStore struct {
	c *mongo.Collection
	// oneWriter: see OneWriter.
	oneWriter bool
	mu        sync.Mutex
}

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the given collection.
func NewMongoStore(c *mongo.Collection, opts ...Option) *MongoStore {
	s := &MongoStore{c: c}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Option changes how a MongoStore writes.
type Option func(*MongoStore)

// OneWriter is for FerretDB, where every writer shares one client (it does
// not make a conditional update atomic across connections) and where a
// filter other than exactly {_id} scans the whole collection: conditional
// status changes are checked in this process under a lock and written by
// _id alone, so a decision costs two key lookups instead of a scan of
// every entry. On MongoDB the store keeps the atomic conditional update.
func OneWriter() Option { return func(s *MongoStore) { s.oneWriter = true } }

type entryDoc struct {
	ID           string         `bson:"_id"`
	CampaignID   string         `bson:"campaign_id"`
	EntrantID    string         `bson:"entrant_id,omitempty"`
	Title        string         `bson:"title"`
	Description  string         `bson:"description"`
	CreatorName  string         `bson:"creator_name,omitempty"`
	Status       string         `bson:"status"`
	StatusReason string         `bson:"status_reason,omitempty"`
	History      []changeDoc    `bson:"history"`
	Original     objectDoc      `bson:"original"`
	Upload       *uploadDoc     `bson:"upload,omitempty"`
	Consents     []consentDoc   `bson:"consents,omitempty"`
	Media        *mediaDoc      `bson:"media,omitempty"`
	Renditions   *renditionsDoc `bson:"renditions,omitempty"`
	Findings     []findingDoc   `bson:"findings,omitempty"`
	Print        []byte         `bson:"dup_print,omitempty"`
	FileHash     string         `bson:"file_hash,omitempty"`
	VideoHash    string         `bson:"video_hash,omitempty"`
	AudioHash    string         `bson:"audio_hash,omitempty"`
	Stage        string         `bson:"stage,omitempty"`
	Progress     int            `bson:"progress"`
	Captions     string         `bson:"captions,omitempty"`
	Views        int64          `bson:"views"`
	Uniques      int64          `bson:"unique_viewers"`
	Votes        int64          `bson:"votes"`
	Finalist     bool           `bson:"finalist,omitempty"`
	CreatedAt    time.Time      `bson:"created_at"`
	UpdatedAt    time.Time      `bson:"updated_at"`

	Rights rightsDoc `bson:",inline"`
}

type changeDoc struct {
	From   string    `bson:"from"`
	To     string    `bson:"to"`
	Reason string    `bson:"reason,omitempty"`
	At     time.Time `bson:"at"`
	Auto   bool      `bson:"auto,omitempty"`
	Code   string    `bson:"code,omitempty"`
}

type findingDoc struct {
	Kind       string  `bson:"kind"`
	Detail     string  `bson:"detail"`
	Start      float64 `bson:"start"`
	End        float64 `bson:"end"`
	Value      float64 `bson:"value"`
	Other      string  `bson:"other,omitempty"`
	OtherStart float64 `bson:"other_start,omitempty"`
	OtherEnd   float64 `bson:"other_end,omitempty"`
}

type renditionsDoc struct {
	Prefix   string       `bson:"prefix"`
	Master   string       `bson:"master"`
	Fallback string       `bson:"fallback"`
	Poster   string       `bson:"poster"`
	Sprite   string       `bson:"sprite"`
	VTT      string       `bson:"sprite_vtt"`
	Preview  string       `bson:"preview"`
	First    string       `bson:"first_playable,omitempty"`
	Variants []variantDoc `bson:"variants"`
	Frames   []stillDoc   `bson:"frames,omitempty"`
}

type stillDoc struct {
	Key string  `bson:"key"`
	At  float64 `bson:"at"`
}

type variantDoc struct {
	Name      string `bson:"name"`
	Width     int    `bson:"width"`
	Height    int    `bson:"height"`
	VideoKbps int    `bson:"video_kbps"`
}

func toRenditionsDoc(r Renditions) *renditionsDoc {
	d := &renditionsDoc{Prefix: r.Prefix, Master: r.Master, Fallback: r.Fallback, Poster: r.Poster, Sprite: r.Sprite, VTT: r.SpriteVTT, Preview: r.Preview, First: r.FirstPlayable, Variants: []variantDoc{}}
	for _, v := range r.Variants {
		d.Variants = append(d.Variants, variantDoc(v))
	}
	for _, f := range r.Frames {
		d.Frames = append(d.Frames, stillDoc(f))
	}
	return d
}

func (d *renditionsDoc) renditions() *Renditions {
	if d == nil {
		return nil
	}
	r := &Renditions{Prefix: d.Prefix, Master: d.Master, Fallback: d.Fallback, Poster: d.Poster, Sprite: d.Sprite, SpriteVTT: d.VTT, Preview: d.Preview, FirstPlayable: d.First}
	for _, v := range d.Variants {
		r.Variants = append(r.Variants, Variant(v))
	}
	for _, f := range d.Frames {
		r.Frames = append(r.Frames, Still(f))
	}
	return r
}

type uploadDoc struct {
	ID          string    `bson:"id"`
	Key         string    `bson:"key"`
	Size        int64     `bson:"size"`
	PartSize    int64     `bson:"part_size"`
	PartCount   int       `bson:"part_count"`
	ContentType string    `bson:"content_type"`
	Filename    string    `bson:"filename"`
	StartedAt   time.Time `bson:"started_at"`
}

type consentDoc struct {
	Kind     string    `bson:"kind"`
	Version  string    `bson:"version"`
	Accepted bool      `bson:"accepted"`
	At       time.Time `bson:"at"`
	IPHash   string    `bson:"ip_hash"`
}

type objectDoc struct {
	Key         string `bson:"key"`
	Size        int64  `bson:"size"`
	ContentType string `bson:"content_type"`
	Filename    string `bson:"filename"`
}

type mediaDoc struct {
	FormatName      string  `bson:"format_name"`
	DurationSeconds float64 `bson:"duration_s"`
	Width           int     `bson:"width"`
	Height          int     `bson:"height"`
	Rotation        int     `bson:"rotation"`
	VideoCodec      string  `bson:"video_codec"`
	AudioCodec      string  `bson:"audio_codec"`
	FrameRate       float64 `bson:"frame_rate"`
	BitRate         int64   `bson:"bit_rate"`
}

func toDoc(e Entry) entryDoc {
	d := entryDoc{
		ID: e.ID, CampaignID: e.CampaignID, EntrantID: e.EntrantID, Title: e.Title, Description: e.Description,
		CreatorName: e.CreatorName, Status: string(e.Status), StatusReason: e.StatusReason, History: []changeDoc{},
		Original: objectDoc(e.Original), Captions: e.Captions, Views: e.Views, Uniques: e.UniqueViewers, Votes: e.Votes, Finalist: e.Finalist,
		CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC(), Rights: toRightsDoc(e),
	}
	for _, h := range e.History {
		d.History = append(d.History, changeDoc{string(h.From), string(h.To), h.Reason, h.At.UTC(), h.Auto, h.Code})
	}
	if e.Media != nil {
		m := mediaDoc(*e.Media)
		d.Media = &m
	}
	if e.Upload != nil {
		u := uploadDoc(*e.Upload)
		u.StartedAt = u.StartedAt.UTC()
		d.Upload = &u
	}
	for _, c := range e.Consents {
		d.Consents = append(d.Consents, consentDoc{c.Kind, c.Version, c.Accepted, c.At.UTC(), c.IPHash})
	}
	return d
}

func (d entryDoc) entry() Entry {
	e := Entry{
		ID: d.ID, CampaignID: d.CampaignID, EntrantID: d.EntrantID, Title: d.Title, Description: d.Description,
		CreatorName: d.CreatorName, Status: Status(d.Status), StatusReason: d.StatusReason,
		Original: Object(d.Original), Captions: d.Captions, Views: d.Views, UniqueViewers: d.Uniques, Votes: d.Votes, Finalist: d.Finalist,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	for _, h := range d.History {
		e.History = append(e.History, StatusChange{Status(h.From), Status(h.To), h.Reason, h.At, h.Auto, h.Code})
	}
	if d.Media != nil {
		m := Media(*d.Media)
		e.Media = &m
	}
	if d.Upload != nil {
		u := Upload(*d.Upload)
		e.Upload = &u
	}
	for _, c := range d.Consents {
		e.Consents = append(e.Consents, Consent(c))
	}
	e.Renditions, e.Stage, e.Progress = d.Renditions.renditions(), d.Stage, d.Progress
	d.Rights.fill(&e)
	for _, f := range d.Findings {
		e.Findings = append(e.Findings, Finding(f))
	}
	e.Fingerprint = Fingerprint{Data: d.Print, FileHash: d.FileHash, VideoHash: d.VideoHash, AudioHash: d.AudioHash}
	return e
}

// Create inserts a new entry.
func (s *MongoStore) Create(ctx context.Context, e Entry) error {
	if _, err := s.c.InsertOne(ctx, toDoc(e)); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("entries: create %s: %w", e.ID, ErrConflict)
		}
		return fmt.Errorf("entries: create: %w", err)
	}
	return nil
}

// Get returns one entry or ErrNotFound.
func (s *MongoStore) Get(ctx context.Context, id string) (Entry, error) {
	var d entryDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Entry{}, fmt.Errorf("entries: get %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("entries: get: %w", err)
	}
	return d.entry(), nil
}

// Transition moves the entry only if it is still in from: the status in the
// filter makes the change a compare-and-set on one document.
func (s *MongoStore) Transition(ctx context.Context, id string, from, to Status, reason string, at time.Time) (Entry, error) {
	return s.Apply(ctx, id, from, Change{To: to, Reason: reason, At: at})
}

// Apply makes ch only if the entry is still in from.
func (s *MongoStore) Apply(ctx context.Context, id string, from Status, ch Change) (Entry, error) {
	at := ch.At.UTC()
	set := bson.D{{Key: "updated_at", Value: at}}
	update := bson.D{}
	if ch.To != from {
		set = append(set, bson.E{Key: "status", Value: string(ch.To)}, bson.E{Key: "status_reason", Value: ch.Reason})
		update = append(update, bson.E{Key: "$push", Value: bson.D{{Key: "history", Value: changeDoc{string(from), string(ch.To), ch.Reason, at, ch.Automatic, ch.Code}}}})
	}
	if ch.Upload != nil {
		u := uploadDoc(*ch.Upload)
		u.StartedAt = u.StartedAt.UTC()
		set = append(set, bson.E{Key: "upload", Value: u})
	}
	if ch.Original != nil { // a new video: what was known of the old one no longer applies
		set = append(set, bson.E{Key: "original", Value: objectDoc(*ch.Original)}, bson.E{Key: "media", Value: nil},
			bson.E{Key: "renditions", Value: nil}, bson.E{Key: "stage", Value: ""}, bson.E{Key: "progress", Value: 0},
			bson.E{Key: "findings", Value: bson.A{}}, bson.E{Key: "dup_print", Value: nil}, bson.E{Key: "file_hash", Value: ""},
			bson.E{Key: "video_hash", Value: ""}, bson.E{Key: "audio_hash", Value: ""})
	}
	if ch.Title != nil {
		set = append(set, bson.E{Key: "title", Value: *ch.Title})
	}
	if ch.Description != nil {
		set = append(set, bson.E{Key: "description", Value: *ch.Description})
	}
	update = append(update, bson.E{Key: "$set", Value: set})
	if ch.ClearUpload {
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "upload", Value: ""}}})
	}
	filter := bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(from)}}
	if !ch.IfUpdatedAt.IsZero() { // optimistic lock: only the version the actor saw
		filter = append(filter, bson.E{Key: "updated_at", Value: ch.IfUpdatedAt.UTC()})
	}
	if s.oneWriter {
		s.mu.Lock()
		defer s.mu.Unlock()
		cur, err := s.Get(ctx, id)
		if err != nil {
			return Entry{}, err
		}
		seen := ch.IfUpdatedAt.UTC().Truncate(time.Millisecond) // BSON dates hold milliseconds
		if cur.Status != from || (!ch.IfUpdatedAt.IsZero() && !cur.UpdatedAt.UTC().Truncate(time.Millisecond).Equal(seen)) {
			return Entry{}, fmt.Errorf("entries: %s is no longer %s as it was seen: %w", id, from, ErrConflict)
		}
		filter = bson.D{{Key: "_id", Value: id}}
	}
	var d entryDoc
	err := s.c.FindOneAndUpdate(ctx, filter, update, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		if _, gerr := s.Get(ctx, id); gerr != nil {
			return Entry{}, gerr
		}
		return Entry{}, fmt.Errorf("entries: %s is no longer %s as it was seen: %w", id, from, ErrConflict)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("entries: transition: %w", err)
	}
	return d.entry(), nil
}

// SetMedia records what probing found.
func (s *MongoStore) SetMedia(ctx context.Context, id string, m Media, at time.Time) error {
	md := mediaDoc(m)
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "media", Value: md}, {Key: "updated_at", Value: at.UTC()}}}})
	if err != nil {
		return fmt.Errorf("entries: set media: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("entries: set media %s: %w", id, ErrNotFound)
	}
	return nil
}

// SetRenditions records the playable outputs.
func (s *MongoStore) SetRenditions(ctx context.Context, id string, r Renditions, at time.Time) error {
	return s.set(ctx, id, bson.D{{Key: "renditions", Value: toRenditionsDoc(r)}, {Key: "updated_at", Value: at.UTC()}})
}

// SetScreening records findings and the fingerprint.
func (s *MongoStore) SetScreening(ctx context.Context, id string, findings []Finding, fp Fingerprint, at time.Time) error {
	fd := []findingDoc{}
	for _, f := range findings {
		fd = append(fd, findingDoc(f))
	}
	return s.set(ctx, id, bson.D{{Key: "findings", Value: fd}, {Key: "dup_print", Value: fp.Data}, {Key: "file_hash", Value: fp.FileHash},
		{Key: "video_hash", Value: fp.VideoHash}, {Key: "audio_hash", Value: fp.AudioHash}, {Key: "updated_at", Value: at.UTC()}})
}

// SetProgress records the pipeline stage and percent done.
func (s *MongoStore) SetProgress(ctx context.Context, id, stage string, percent int, at time.Time) error {
	return s.set(ctx, id, bson.D{{Key: "stage", Value: stage}, {Key: "progress", Value: percent}, {Key: "updated_at", Value: at.UTC()}})
}

// SetCaptions records the captions file's key.
func (s *MongoStore) SetCaptions(ctx context.Context, id, key string, at time.Time) error {
	return s.set(ctx, id, bson.D{{Key: "captions", Value: key}, {Key: "updated_at", Value: at.UTC()}})
}

// SetFinalist puts the entry on its campaign's shortlist or takes it off.
// Like counts, it leaves updated_at alone.
func (s *MongoStore) SetFinalist(ctx context.Context, id string, on bool) error {
	return s.set(ctx, id, bson.D{{Key: "finalist", Value: on}})
}

// AddCounts adds flushed counters. It leaves updated_at alone: a view is
// not an edit, and moderators' optimistic locks must not trip on one.
func (s *MongoStore) AddCounts(ctx context.Context, id string, views, votes, uniqueViewers int64) error {
	update := bson.D{{Key: "$inc", Value: bson.D{{Key: "views", Value: views}, {Key: "votes", Value: votes}}}}
	if uniqueViewers > 0 {
		update = append(update, bson.E{Key: "$max", Value: bson.D{{Key: "unique_viewers", Value: uniqueViewers}}})
	}
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	if err != nil {
		return fmt.Errorf("entries: add counts: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("entries: add counts %s: %w", id, ErrNotFound)
	}
	return nil
}

func (s *MongoStore) set(ctx context.Context, id string, fields bson.D) error {
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: fields}})
	if err != nil {
		return fmt.Errorf("entries: update: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("entries: update %s: %w", id, ErrNotFound)
	}
	return nil
}

// ListByCampaign returns a campaign's newest entries first.
func (s *MongoStore) ListByCampaign(ctx context.Context, campaignID string, limit int) ([]Entry, error) {
	return s.list(ctx, bson.D{{Key: "campaign_id", Value: campaignID}}, limit)
}

// ListByEntrant returns an entrant's newest entries first.
func (s *MongoStore) ListByEntrant(ctx context.Context, entrantID string, limit int) ([]Entry, error) {
	return s.list(ctx, bson.D{{Key: "entrant_id", Value: entrantID}}, limit)
}

// ListStale returns entries in status last changed before the time.
func (s *MongoStore) ListStale(ctx context.Context, status Status, before time.Time, limit int) ([]Entry, error) {
	return s.list(ctx, bson.D{{Key: "status", Value: string(status)}, {Key: "updated_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}, limit)
}

// ListWaiting returns a campaign's entries in status (every campaign's
// when campaignID is ""), longest waiting first: the moderation queue.
func (s *MongoStore) ListWaiting(ctx context.Context, campaignID string, status Status, limit int) ([]Entry, error) {
	filter := bson.D{{Key: "status", Value: string(status)}}
	if campaignID != "" {
		filter = append(bson.D{{Key: "campaign_id", Value: campaignID}}, filter...)
	}
	return s.listSorted(ctx, filter, bson.D{{Key: "updated_at", Value: 1}, {Key: "_id", Value: 1}}, limit)
}

func (s *MongoStore) list(ctx context.Context, filter bson.D, limit int) ([]Entry, error) {
	return s.listSorted(ctx, filter, bson.D{{Key: "created_at", Value: -1}}, limit)
}

func (s *MongoStore) listSorted(ctx context.Context, filter, sort bson.D, limit int) ([]Entry, error) {
	out, err := mongodb.FindAll(ctx, s.c, filter, sort, limit, entryDoc.entry)
	if err != nil {
		return nil, fmt.Errorf("entries: list: %w", err)
	}
	return out, nil
}

// Delete removes an entry; deleting a missing entry is not an error.
func (s *MongoStore) Delete(ctx context.Context, id string) error {
	if _, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("entries: delete: %w", err)
	}
	return nil
}

// EachLive calls fn with every live entry of a campaign, in id order,
// reading in batches (the gallery rebuild walks 100k entries this way).
func (s *MongoStore) EachLive(ctx context.Context, campaignID string, fn func(Entry) error) error {
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(1000).
		SetProjection(bson.D{{Key: "consents", Value: 0}, {Key: "dup_print", Value: 0}, {Key: "findings", Value: 0}})
	cur, err := s.c.Find(ctx, bson.D{{Key: "campaign_id", Value: campaignID}, {Key: "status", Value: string(Live)}}, opts)
	if err != nil {
		return fmt.Errorf("entries: each live: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d entryDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("entries: each live: %w", err)
		}
		if err := fn(d.entry()); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("entries: each live: %w", err)
	}
	return nil
}

// SetVotes sets the entry's stored vote total (reconcile); a missing entry
// is not an error (its ballots outlived it).
func (s *MongoStore) SetVotes(ctx context.Context, id string, n int64) error {
	if _, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "votes", Value: n}}}}); err != nil {
		return fmt.Errorf("entries: set votes: %w", err)
	}
	return nil
}
