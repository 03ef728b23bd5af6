// Package entries holds the contest entry: its statuses and the rules for
// moving between them, its media facts, and the Store it is kept in.
package entries

import (
	"context"
	"errors"
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
	Title        string
	Description  string
	Status       Status
	StatusReason string // why the entry is failed, rejected, removed or needs changes
	History      []StatusChange
	Original     Object
	Media        *Media // nil until probed
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// StatusChange records one move through the state machine.
type StatusChange struct {
	From, To Status
	Reason   string
	At       time.Time
}

// Object is the private original in object storage.
type Object struct {
	Key         string
	Size        int64
	ContentType string
	Filename    string
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

// Store keeps entries. Implementations translate driver errors into the
// sentinel errors above.
type Store interface {
	Create(ctx context.Context, e Entry) error
	Get(ctx context.Context, id string) (Entry, error)
	// Transition moves the entry from one status to another only if it is
	// still in from; otherwise it returns ErrConflict. It appends to History.
	Transition(ctx context.Context, id string, from, to Status, reason string, at time.Time) (Entry, error)
	SetMedia(ctx context.Context, id string, m Media, at time.Time) error
	ListByCampaign(ctx context.Context, campaignID string, limit int) ([]Entry, error)
	Delete(ctx context.Context, id string) error
}

// Move checks the state machine, then asks the store to make the change.
func Move(ctx context.Context, s Store, e Entry, to Status, reason string, now time.Time) (Entry, error) {
	if err := CheckTransition(e.Status, to); err != nil {
		return e, err
	}
	return s.Transition(ctx, e.ID, e.Status, to, reason, now)
}
