// Package entries holds the contest entry: its statuses and the rules for
// moving between them, its media facts, and the Store it is kept in.
package entries

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound          = errors.New("entry not found")
	ErrIllegalTransition = errors.New("illegal status change")
	ErrConflict          = errors.New("entry changed concurrently")
)

// IDPrefix starts every entry id.
const IDPrefix = "en_"

// Entry is one video submitted to a campaign.
type Entry struct {
	ID           string
	CampaignID   string
	EntrantID    string // empty only for entries made before sign-in existed
	Title        string
	Description  string
	CreatorName  string // the name fans see with the entry, chosen by the entrant; may be empty
	Status       Status
	StatusReason string // why the entry is failed, rejected, removed or needs changes
	History      []StatusChange
	Original     Object    // the current video; empty until one is received
	Upload       *Upload   // the resumable upload in progress, if any
	Consents     []Consent // audit record of what the entrant accepted
	Media        *Media    // nil until probed
	Renditions   *Renditions
	Findings     []Finding   // what automatic screening noticed
	Fingerprint  Fingerprint // what the duplicate check compares
	Stage        string      // pipeline stage in progress: probe, transcode, ...
	Progress     int         // percent of the pipeline done
	Captions     string      // WebVTT captions key under the renditions prefix; "" for none
	// Counters, flushed from Redis in batches (the gallery's read model has
	// the live figures).
	Views         int64
	UniqueViewers int64
	Votes         int64
	Finalist      bool // on the campaign's shortlist
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Eligibility and consent (see rights.go).
	Country         string // declared by the entrant (ISO 3166-1 alpha-2); "" if not asked
	CountrySignal   string // what a trusted proxy said; "" for none
	GuardianPending bool   // a guardian must consent before the entry may go live
	// Retention and deletion.
	OriginalDeletedAt time.Time // the original was deleted (retention)
	MediaDeletedAt    time.Time // every stored file was deleted (retention or account deletion)
	Erased            bool      // the entrant deleted their account: personal fields are gone
}

// StatusChange records one move through the state machine.
type StatusChange struct {
	From, To Status
	Reason   string
	At       time.Time
	// Auto says Tryout decided this by itself (processing, automatic
	// screening), not a person; Code names the finding or failure behind
	// it (see the Code constants), or CodeAppeal for an appeal.
	Auto bool
	Code string
}

// Consent is one thing the entrant accepted, with the version of the text,
// when, and a keyed hash of the IP address it came from.
type Consent struct {
	Kind     string // rules, media_release, marketing, age
	Version  string // rules version, or the stated birth date for age
	Accepted bool
	At       time.Time
	IPHash   string
}

// Upload is a resumable multipart upload straight to storage.
type Upload struct {
	ID          string // the storage's multipart upload id
	Key         string
	Size        int64 // declared by the browser, checked at completion
	PartSize    int64
	PartCount   int
	ContentType string
	Filename    string
	StartedAt   time.Time
}

// Object is the private original in object storage.
type Object struct {
	Key         string
	Size        int64
	ContentType string
	Filename    string
}

// Finding is one thing automatic screening noticed, with its evidence.
type Finding struct {
	Kind       string
	Detail     string
	Start, End float64 // seconds
	Value      float64
	// Other is the entry a duplicate finding compares with, and
	// OtherStart..OtherEnd the matching time range in it.
	Other                string
	OtherStart, OtherEnd float64
}

// Fingerprint is what the duplicate check keeps of the current video:
// the encoded descriptors (package screening reads them) and the
// identities of the file and of its decoded pictures and sound.
type Fingerprint struct {
	Data      []byte
	FileHash  string
	VideoHash string
	AudioHash string
}

// Renditions are the playable outputs, in the renditions bucket under an
// entry-versioned prefix (one per uploaded original).
type Renditions struct {
	Prefix    string
	Master    string // HLS master playlist key
	Fallback  string // progressive MP4 key
	Poster    string
	Sprite    string // thumbnail grid for scrubbing
	SpriteVTT string
	Preview   string // short silent clip for the gallery
	// FirstPlayable is published before the ladder is finished, for the
	// entrant's private preview: a remux of a web-playable original
	// (source.mp4), or the lowest rung's growing playlist.
	FirstPlayable string
	Variants      []Variant
	// Frames are a few pictures sampled across the video for an external
	// moderation service: private, never served to the public.
	Frames []Still
}

// Still is one sampled picture's key and the time it shows.
type Still struct {
	Key string
	At  float64
}

// Ready reports whether the full ladder is published.
func (r *Renditions) Ready() bool { return r != nil && r.Master != "" }

// Variant is one rung of the adaptive ladder.
type Variant struct {
	Name          string
	Width, Height int
	VideoKbps     int
}

// Media is what probing found in the original.
type Media struct {
	FormatName      string
	DurationSeconds float64
	Width, Height   int
	Rotation        int
	VideoCodec      string
	AudioCodec      string
	FrameRate       float64
	BitRate         int64
}

// Reader reads entries.
type Reader interface {
	Get(ctx context.Context, id string) (Entry, error)
	ListByCampaign(ctx context.Context, campaignID string, limit int) ([]Entry, error)
	ListByEntrant(ctx context.Context, entrantID string, limit int) ([]Entry, error)
	// ListWaiting returns entries in status, longest waiting first.
	ListWaiting(ctx context.Context, campaignID string, status Status, limit int) ([]Entry, error)
	// ListStale returns entries sitting in status since before the time.
	ListStale(ctx context.Context, status Status, before time.Time, limit int) ([]Entry, error)
	// EachByCampaign calls fn for every entry of a campaign.
	EachByCampaign(ctx context.Context, campaignID string, fn func(Entry) error) error
	// EachLive calls fn for every live entry of a campaign.
	EachLive(ctx context.Context, campaignID string, fn func(Entry) error) error
}

// Writer is every change to an entry. A store that keeps a read model
// beside MongoDB (gallery.SyncedStore) implements each of them itself, so
// a writer added here cannot skip the read model by accident (its test
// checks that MongoStore has no writer outside this list).
type Writer interface {
	Create(ctx context.Context, e Entry) error
	// Transition moves the entry from one status to another only if it is
	// still in from; otherwise it returns ErrConflict. It appends to History.
	Transition(ctx context.Context, id string, from, to Status, reason string, at time.Time) (Entry, error)
	// Apply makes a change only if the entry is still in from (compare and
	// set on one document). A change to the same status records no history.
	Apply(ctx context.Context, id string, from Status, ch Change) (Entry, error)
	SetMedia(ctx context.Context, id string, m Media, at time.Time) error
	SetRenditions(ctx context.Context, id string, r Renditions, at time.Time) error
	SetScreening(ctx context.Context, id string, findings []Finding, fp Fingerprint, at time.Time) error
	// SetProgress records the pipeline stage and percent done.
	SetProgress(ctx context.Context, id, stage string, percent int, at time.Time) error
	// SetCaptions records the captions file's key.
	SetCaptions(ctx context.Context, id, key string, at time.Time) error
	// AddCounts adds views and votes and sets the unique viewer estimate.
	AddCounts(ctx context.Context, id string, views, votes, uniqueViewers int64) error
	// SetVotes sets the stored vote total (reconcile).
	SetVotes(ctx context.Context, id string, n int64) error
	SetFinalist(ctx context.Context, id string, on bool) error
	SetGuardianPending(ctx context.Context, id string, pending bool) error
	MarkOriginalDeleted(ctx context.Context, id string, at time.Time) error
	MarkMediaDeleted(ctx context.Context, id string, at time.Time) error
	// Erase removes what an entry says about its entrant (data deletion).
	Erase(ctx context.Context, id string, at time.Time) error
	Delete(ctx context.Context, id string) error
}

// Store reads and writes entries. Implementations translate driver
// errors into the sentinel errors above.
type Store interface {
	Reader
	Writer
}

var _ Store = (*MongoStore)(nil)

// Change is what Apply sets along with the status.
type Change struct {
	To          Status
	Reason      string
	At          time.Time
	Upload      *Upload // set the upload in progress
	ClearUpload bool
	Original    *Object // set a newly received video
	Title       *string
	Description *string
	// IfUpdatedAt, when set, makes the change only if the entry was last
	// updated at exactly this time: the version a moderator looked at.
	IfUpdatedAt time.Time
	// Automatic and Code are recorded with the status change (see
	// StatusChange).
	Automatic bool
	Code      string
}

// OwnedBy reports whether the entrant made this entry.
func (e Entry) OwnedBy(entrantID string) bool {
	return e.EntrantID != "" && e.EntrantID == entrantID
}

// VisibleTo reports whether a visitor (signed in as entrantID, or "") may
// see the entry: its entrant always, anyone else only once it is live.
func (e Entry) VisibleTo(entrantID string) bool {
	return e.Status == Live || e.OwnedBy(entrantID)
}

// LiveAt is when the entry last went live (zero if it never did).
func (e Entry) LiveAt() time.Time {
	for i := len(e.History) - 1; i >= 0; i-- {
		if e.History[i].To == Live {
			return e.History[i].At
		}
	}
	return time.Time{}
}

// MediaPath is the public API path of a file of the entry's renditions,
// given its storage key ("" for "").
func (e Entry) MediaPath(key string) string {
	if key == "" || e.Renditions == nil || !strings.HasPrefix(key, e.Renditions.Prefix) {
		return ""
	}
	return "/api/entries/" + e.ID + "/media/" + strings.TrimPrefix(key, e.Renditions.Prefix)
}

// Move checks the state machine, then asks the store to make the change.
func Move(ctx context.Context, s Store, e Entry, to Status, reason string, now time.Time) (Entry, error) {
	if err := checkMove(e, to); err != nil {
		return e, err
	}
	return s.Transition(ctx, e.ID, e.Status, to, reason, now)
}

// MoveWith is Move with extra fields changed in the same atomic update.
func MoveWith(ctx context.Context, s Store, e Entry, ch Change) (Entry, error) {
	if err := checkMove(e, ch.To); err != nil {
		return e, err
	}
	return s.Apply(ctx, e.ID, e.Status, ch)
}

// Update changes fields only, if the entry is still in its status.
func Update(ctx context.Context, s Store, e Entry, ch Change) (Entry, error) {
	ch.To = e.Status
	return s.Apply(ctx, e.ID, e.Status, ch)
}

// SourceRemux is the name, under the rendition prefix, of the stream copy
// of a web-playable original: a near-original, so only its entrant and
// staff ever get it, even once the entry is live.
const SourceRemux = "source.mp4"

// FramesDir holds, under the rendition prefix, the pictures sampled for
// the moderation provider: only the entrant and staff may fetch them.
const FramesDir = "frames/"

// Access says who may fetch a media file of an entry.
type Access int

const (
	NoAccess      Access = iota
	PrivateAccess        // the entrant (or staff): not cacheable by others
	PublicAccess         // anyone: cacheable by shared caches
)

// MediaFile resolves a file of the entry's current renditions, named
// relative to their prefix ("hls/master.m3u8"), for a viewer signed in as
// entrantID (or ""). It returns the storage key and the access granted.
func (e Entry) MediaFile(file, entrantID string) (string, Access) {
	if e.Renditions == nil || e.Renditions.Prefix == "" || !validMediaPath(file) {
		return "", NoAccess
	}
	key := e.Renditions.Prefix + file
	switch {
	case e.Status == Live && file != SourceRemux && !strings.HasPrefix(file, FramesDir):
		return key, PublicAccess
	case e.OwnedBy(entrantID):
		return key, PrivateAccess
	}
	return "", NoAccess
}

// validMediaPath accepts the output names the worker writes: relative,
// lower-case letters, digits and . _ - /, no "..", not the marker file.
func validMediaPath(p string) bool {
	if p == "" || len(p) > 200 || strings.HasPrefix(p, "/") || strings.Contains(p, "..") || strings.Contains(p, "//") || p == "ladder.json" {
		return false
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/", r)) {
			return false
		}
	}
	return true
}
