package notify

import (
	"context"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/webhooks"
)

// EventSink records an event for the campaign's webhooks.
type EventSink interface {
	Emit(ctx context.Context, ev webhooks.Event) error
}

// eventTypes are the stages that are webhook events.
var eventTypes = map[messages.Stage]webhooks.EventType{
	messages.Received: webhooks.EntryReceived, messages.Live: webhooks.EntryLive, messages.Rejected: webhooks.EntryRejected,
	messages.NeedsChanges: webhooks.EntryNeedsChanges, messages.Milestone: webhooks.VoteMilestone,
	messages.Finalist: webhooks.EntryFinalist, messages.Winner: webhooks.EntryWinner, messages.Team: webhooks.MessageSent,
}

// emit sends the stage's event, keyed like its message (one event per
// status change, milestone, place or staff message copy). The payload
// carries the entrant's contact: webhooks are set up by the campaign's
// owners, for their CRM.
func (n *Notifier) emit(ctx context.Context, stage messages.Stage, who entrants.Entrant, c campaigns.Campaign, e entries.Entry, note Note, m mail.Message) error {
	t, ok := eventTypes[stage]
	if n.Events == nil || !ok {
		return nil
	}
	key := note.Key
	if key == "" {
		key = stageKey(stage, e, note)
	}
	data := map[string]any{
		"campaign_id": c.ID, "campaign_slug": c.Slug, "entry_id": e.ID, "entry_title": e.Title, "entry_status": string(e.Status),
		"entry_url": n.PublicURL + "/e/" + e.ID, "votes": e.Votes, "views": e.Views,
		"entrant": map[string]any{"id": who.ID, "email": who.Email, "name": who.DisplayName},
	}
	switch stage {
	case messages.Rejected, messages.NeedsChanges:
		data["reason"] = note.Reason
	case messages.Milestone:
		data["milestone"] = note.Milestone
	case messages.Winner:
		data["place"], data["prize"] = note.Place, note.Prize
	case messages.Team:
		data["subject"], data["broadcast_id"] = m.Subject, m.Broadcast
	}
	return n.Events.Emit(ctx, webhooks.Event{Type: t, CampaignID: c.ID, Key: key, Data: data, EntrantID: who.ID})
}
