// Package referrals gives every sharer a personal link to an entry (a short
// ref code) and counts what each link brings: clicks, new entries and votes.
// A sharer is a signed-in entrant or an anonymous device; counts are
// deduplicated per visitor, and a sharer's own visits never count.
package referrals

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNotFound says there is no link with this code.
var ErrNotFound = errors.New("referrals: no such link")

// Kind is what a link is credited with.
type Kind string

// What links bring.
const (
	Clicks  Kind = "clicks"
	Entries Kind = "entries"
	Votes   Kind = "votes"
)

// Link is one sharer's personal link to one entry.
type Link struct {
	Code       string
	Sharer     string // "e:" entrant id or "d:" device id; never shown to others
	EntryID    string
	CampaignID string
	Clicks     int64
	Entries    int64
	Votes      int64
	CreatedAt  time.Time
}

// Store keeps links and their counts.
type Store interface {
	// GetOrCreate returns the sharer's link to the entry, creating l if
	// there is none (one link per sharer and entry, by a unique index).
	GetOrCreate(ctx context.Context, l Link) (Link, error)
	Get(ctx context.Context, code string) (Link, error)
	Add(ctx context.Context, code string, kind Kind, n int64) error
	BySharer(ctx context.Context, sharer string) ([]Link, error)
}

// Service hands out links and credits them, once per visitor.
type Service struct {
	Store Store
	Redis *redis.Client
	// Window is how long one visitor's click on a link counts once.
	Window time.Duration
	Now    func() time.Time
	// OnCredit is told of every counted click and conversion (the
	// entrant's daily figures); nil for nobody.
	OnCredit func(ctx context.Context, l Link, kind Kind)
}

// codeAlphabet has no look-alike characters (no 0/o, 1/l/i).
const codeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// NewCode returns a random 10-character code (about 49 bits).
func NewCode() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// ValidCode reports whether s could be a code (checked before any lookup).
func ValidCode(s string) bool {
	if len(s) != 10 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(codeAlphabet, r) {
			return false
		}
	}
	return true
}

// LinkFor returns the sharer's link to an entry.
func (s *Service) LinkFor(ctx context.Context, sharer, entryID, campaignID string) (Link, error) {
	return s.Store.GetOrCreate(ctx, Link{Code: NewCode(), Sharer: sharer, EntryID: entryID, CampaignID: campaignID, CreatedAt: s.Now().UTC()})
}

// Click credits a visit through code to entryID by visitor. It returns the
// link when the code is real and for this entry, and whether the click
// counted (a visitor counts once per window; the sharer never).
func (s *Service) Click(ctx context.Context, code, entryID, visitor string) (Link, bool, error) {
	l, err := s.lookup(ctx, code)
	if err != nil || l.EntryID != entryID {
		return Link{}, false, ErrNotFound
	}
	counted, err := s.credit(ctx, l, Clicks, visitor, s.Window)
	return l, counted, err
}

// Convert credits the link behind code with an entry or a vote by actor,
// once per actor and link.
func (s *Service) Convert(ctx context.Context, code string, kind Kind, actor string) (bool, error) {
	l, err := s.lookup(ctx, code)
	if err != nil {
		return false, err
	}
	return s.credit(ctx, l, kind, actor, 0)
}

// CreditFor credits the link behind code with an entry or a vote by actor
// in campaignID, once per actor and link. A link for another campaign (or
// no link) is not credited and is no error.
func (s *Service) CreditFor(ctx context.Context, code, campaignID string, kind Kind, actor string) (bool, error) {
	l, err := s.lookup(ctx, code)
	if errors.Is(err, ErrNotFound) || err == nil && l.CampaignID != campaignID {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.credit(ctx, l, kind, actor, 0)
}

// CreditVote credits the link behind code with a vote by voter in
// campaignID (see CreditFor).
func (s *Service) CreditVote(ctx context.Context, code, campaignID, voter string) (bool, error) {
	return s.CreditFor(ctx, code, campaignID, Votes, voter)
}

func (s *Service) lookup(ctx context.Context, code string) (Link, error) {
	if !ValidCode(code) {
		return Link{}, ErrNotFound
	}
	return s.Store.Get(ctx, code)
}

func (s *Service) credit(ctx context.Context, l Link, kind Kind, actor string, window time.Duration) (bool, error) {
	if actor == "" || actor == l.Sharer {
		return false, nil
	}
	ok, err := s.Redis.SetNX(ctx, "ref:"+string(kind)+":"+l.Code+":"+actor, 1, window).Result()
	if err != nil {
		return false, fmt.Errorf("referrals: %w", err)
	}
	if !ok {
		return false, nil
	}
	if err := s.Store.Add(ctx, l.Code, kind, 1); err != nil {
		return false, err
	}
	if s.OnCredit != nil {
		s.OnCredit(ctx, l, kind)
	}
	return true, nil
}
