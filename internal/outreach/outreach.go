package outreach

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/messages"

	"github.com/tryout/tryout/internal/problem"
)

// Errors callers can test with errors.Is.
var (
	ErrInvalid  = errors.New("invalid message")
	ErrNobody   = errors.New("the segment matches nobody")
	ErrNotFound = errors.New("staff message not found")
	ErrSent     = errors.New("staff message already sent")
)

// IDPrefix starts every staff message id; ReplyPrefix every reply id.
const (
	IDPrefix    = "bc_"
	ReplyPrefix = "rp_"
)

// Status is where a staff message stands.
type Status string

// Statuses of a staff message.
const (
	Scheduled Status = "scheduled" // waiting for its time
	Sending   Status = "sending"
	Sent      Status = "sent"
	Cancelled Status = "cancelled"
)

// Broadcast is a message staff wrote to a segment of one campaign's
// entrants (or to one entrant). Each recipient's copy is an outbox
// message with its own delivery status.
type Broadcast struct {
	ID         string
	CampaignID string
	Segment    Segment
	Template   messages.Template
	SendAt     time.Time
	Status     Status
	Planned    int // recipients counted when it was written
	Recipients int // recipients it was sent to
	CreatedBy  string
	CreatedAt  time.Time
	SentAt     time.Time
}

// Store keeps staff messages.
type Store interface {
	Create(ctx context.Context, b Broadcast) error
	Get(ctx context.Context, id string) (Broadcast, error)
	ListByCampaign(ctx context.Context, campaignID string, limit int) ([]Broadcast, error)
	// SetStatus moves a message from one status to another; ErrSent if it
	// was no longer in from.
	SetStatus(ctx context.Context, id string, from, to Status, recipients int, at time.Time) error
}

// Teller sends entrants their messages, each once per key.
type Teller interface {
	// TellWith sends the team's own message about an entry.
	TellWith(ctx context.Context, t messages.Template, e entries.Entry, key, broadcastID string) error
	// Won and Closed send the campaign's winner and thank-you messages.
	Won(ctx context.Context, e entries.Entry, w campaigns.Winner, broadcastID string) error
	Closed(ctx context.Context, e entries.Entry, broadcastID string) error
}

// Service writes, schedules and sends staff messages and takes replies.
// Writing and cancelling a message are recorded in the audit log.
type Service struct {
	Store   Store
	Replies ReplyStore
	Outbox  interface {
		Get(ctx context.Context, id string) (mail.Message, error)
	}
	Entries interface {
		ListByCampaign(ctx context.Context, campaignID string, limit int) ([]entries.Entry, error)
	}
	Winners interface {
		Winners(ctx context.Context, campaignID string) ([]campaigns.Winner, error)
	}
	Teller Teller
	Queue  interface {
		EnqueueBroadcast(ctx context.Context, id string, at time.Time) error
	}
	MaxReach int // entries read per campaign to pick recipients
	Audit    *audit.Recorder
	Now      func() time.Time
}

// Recipients picks a segment's recipients now.
func (s *Service) Recipients(ctx context.Context, campaignID string, seg Segment) ([]Recipient, error) {
	rs, _, _, err := s.pick(ctx, campaignID, seg)
	return rs, err
}

// pick reads the campaign's entries (and its winners, when the segment
// needs them) once and selects the segment's recipients from them.
func (s *Service) pick(ctx context.Context, campaignID string, seg Segment) ([]Recipient, []entries.Entry, []campaigns.Winner, error) {
	if err := seg.Validate(); err != nil {
		return nil, nil, nil, err
	}
	list, err := s.Entries.ListByCampaign(ctx, campaignID, s.MaxReach)
	if err != nil {
		return nil, nil, nil, err
	}
	won := map[string]bool{}
	var ws []campaigns.Winner
	if seg.Kind == Winners || seg.Kind == NonWinners || seg.Kind == Results {
		if ws, err = s.Winners.Winners(ctx, campaignID); err != nil {
			return nil, nil, nil, err
		}
		for _, w := range ws {
			won[w.EntryID] = true
		}
	}
	return Select(seg, list, won), list, ws, nil
}

// Compose checks a staff message by who, counts its recipients (none is
// ErrNobody: nothing is saved or sent), saves and records it, and queues it
// for its time. A message saved but not queued comes back with its ID and
// the error; composing it again is safe.
func (s *Service) Compose(ctx context.Context, who audit.Actor, b Broadcast) (Broadcast, error) {
	if b.Segment.Kind != Results {
		if err := b.Template.Validate(); err != nil {
			return Broadcast{}, err
		}
	}
	now := s.Now()
	if b.SendAt.IsZero() || b.SendAt.Before(now) {
		b.SendAt = now
	}
	if b.SendAt.After(now.AddDate(1, 0, 0)) {
		return Broadcast{}, problem.New(ErrInvalid, "Schedule it within a year.")
	}
	rs, err := s.Recipients(ctx, b.CampaignID, b.Segment)
	if err != nil {
		return Broadcast{}, err
	}
	if len(rs) == 0 {
		return Broadcast{}, fmt.Errorf("%s: %w", b.Segment.Label(), ErrNobody)
	}
	b.ID, b.Status, b.Planned, b.CreatedBy, b.CreatedAt = ids.New(IDPrefix), Scheduled, len(rs), who.ID, now
	if err := s.Store.Create(ctx, b); err != nil {
		return Broadcast{}, err
	}
	s.Audit.Record(ctx, who, "broadcast.create", b.ID, nil, map[string]string{"campaign": b.CampaignID, "segment": b.Segment.Kind,
		"recipients": strconv.Itoa(b.Planned)})
	if err := s.Queue.EnqueueBroadcast(ctx, b.ID, b.SendAt); err != nil {
		return b, fmt.Errorf("outreach: queue %s: %w", b.ID, err)
	}
	return b, nil
}

// Cancel stops a scheduled message that has not started sending (ErrSent
// when it has) and records who stopped it.
func (s *Service) Cancel(ctx context.Context, who audit.Actor, id string) error {
	if err := s.Store.SetStatus(ctx, id, Scheduled, Cancelled, 0, s.Now()); err != nil {
		return err
	}
	s.Audit.Record(ctx, who, "broadcast.cancel", id, nil, nil)
	return nil
}

// Send sends a staff message to its segment as it is now. Each copy has
// its own idempotency key, so a retry after a failure or a crash halfway
// sends only the copies not yet written; a cancelled or finished message
// sends nothing.
func (s *Service) Send(ctx context.Context, id string) error {
	b, err := s.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	if b.Status == Scheduled {
		if err := s.Store.SetStatus(ctx, id, Scheduled, Sending, 0, s.Now()); err != nil {
			return err
		}
	} else if b.Status != Sending {
		return nil
	}
	rs, list, ws, err := s.pick(ctx, b.CampaignID, b.Segment)
	if err != nil {
		return err
	}
	tell := func(r Recipient) error {
		return s.Teller.TellWith(ctx, b.Template, r.Entry, b.ID+"|"+r.EntrantID, b.ID)
	}
	if b.Segment.Kind == Results {
		tell = s.results(ctx, b.ID, list, ws)
	}
	var errs []error
	for _, r := range rs {
		if err := tell(r); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.EntrantID, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("outreach: send %s: %d of %d failed: %w", id, len(errs), len(rs), errors.Join(errs[:min(3, len(errs))]...))
	}
	return s.Store.SetStatus(ctx, id, Sending, Sent, len(rs), s.Now())
}

// results tells each recipient of the results announcement whether they
// won: the winner message for each winning entry of theirs, else the
// campaign's thank-you.
func (s *Service) results(ctx context.Context, broadcastID string, list []entries.Entry, ws []campaigns.Winner) func(Recipient) error {
	byEntry := map[string]entries.Entry{}
	for _, e := range list {
		byEntry[e.ID] = e
	}
	wonBy := map[string][]campaigns.Winner{}
	for _, w := range ws {
		if e, ok := byEntry[w.EntryID]; ok {
			wonBy[e.EntrantID] = append(wonBy[e.EntrantID], w)
		}
	}
	return func(r Recipient) error {
		if len(wonBy[r.EntrantID]) == 0 {
			return s.Teller.Closed(ctx, r.Entry, broadcastID)
		}
		for _, w := range wonBy[r.EntrantID] {
			if err := s.Teller.Won(ctx, byEntry[w.EntryID], w, broadcastID); err != nil {
				return err
			}
		}
		return nil
	}
}

// Reply is an entrant's answer to a message, read by staff on the
// entrant's page.
type Reply struct {
	ID         string
	EntrantID  string
	CampaignID string
	MessageID  string // the message answered
	Text       string
	At         time.Time
}

// ReplyStore keeps replies.
type ReplyStore interface {
	Insert(ctx context.Context, r Reply) error
	ListByEntrant(ctx context.Context, entrantID string, limit int) ([]Reply, error)
}

// MaxReply bounds a reply, in characters.
const MaxReply = 4000

// Reply records an entrant's answer to one of their messages.
func (s *Service) Reply(ctx context.Context, entrantID, messageID, text string) (Reply, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxReply {
		return Reply{}, problem.New(ErrInvalid, "Write a reply of 1 to %d characters.", MaxReply)
	}
	m, err := s.Outbox.Get(ctx, messageID)
	if errors.Is(err, mail.ErrNotFound) || (err == nil && (m.EntrantID != entrantID || m.Kind.Transactional())) {
		return Reply{}, fmt.Errorf("outreach: reply to %s: %w", messageID, mail.ErrNotFound)
	}
	if err != nil {
		return Reply{}, err
	}
	r := Reply{ids.New(ReplyPrefix), entrantID, m.CampaignID, messageID, text, s.Now()}
	if err := s.Replies.Insert(ctx, r); err != nil {
		return Reply{}, err
	}
	return r, nil
}
