package outreach

import (
	"cmp"
	"slices"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
)

// Event is one thing on an entrant's timeline: a status change of one of
// their entries, a message to them, or their reply.
type Event struct {
	At        time.Time
	Kind      string // status, message, reply
	EntryID   string
	MessageID string // for messages and replies: the message (answered)
	Title     string
	Detail    string
	Status    string // a message's delivery status
}

// Timeline merges an entrant's entries' histories, their messages and
// their replies, newest first. Sign-in links carry credentials and are
// left out.
func Timeline(list []entries.Entry, msgs []mail.Message, replies []Reply) []Event {
	var out []Event
	for _, e := range list {
		for _, h := range e.History {
			out = append(out, Event{At: h.At, Kind: "status", EntryID: e.ID, Title: "“" + e.Title + "”: " + h.To.Label(), Detail: h.Reason})
		}
	}
	for _, m := range msgs {
		if m.Kind.Transactional() {
			continue
		}
		out = append(out, Event{At: m.CreatedAt, Kind: "message", EntryID: m.EntryID, MessageID: m.ID, Title: m.Subject, Detail: m.Text, Status: string(m.Status)})
	}
	for _, r := range replies {
		out = append(out, Event{At: r.At, Kind: "reply", MessageID: r.MessageID, Title: "Reply", Detail: r.Text})
	}
	// Newest first; events at the same moment in reverse order of their
	// happening (histories are in order).
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b Event) int { return cmp.Compare(b.At.UnixNano(), a.At.UnixNano()) })
	return out
}
