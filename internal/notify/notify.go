// Package notify writes the messages Tryout sends entrants and hands them to
// the mailer: sign-in links, and the brand's word at each stage of a
// contest, from the campaign's templates (package messages) filled in with
// the entrant's entry, votes, rank and perk.
package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/signing"
)

// Notifier composes and sends entrant messages.
type Notifier struct {
	Mailer    *mail.Mailer
	Entrants  entrants.Store
	Campaigns campaigns.Store
	PublicURL string
	// Signer signs unsubscribe links.
	Signer signing.Signer
	// Ranks gives an entry's place by votes; nil leaves {{rank}} empty.
	Ranks Ranker
	// Perks hands out perk codes at the campaign's perk stage; nil for none.
	Perks PerkGiver
	// Events sends the lifecycle's events to the campaign's webhooks; nil
	// for none.
	Events EventSink
}

// Ranker gives a live entry's place by votes and how many live entries
// its campaign has.
type Ranker interface {
	Rank(ctx context.Context, campaignID, entryID string) (place, of int64, err error)
}

// PerkGiver hands an entrant their perk code for a campaign (the same one
// every time it is asked); ok false when the campaign has no pool or it
// ran out.
type PerkGiver interface {
	Give(ctx context.Context, campaignID, entrantID string) (code string, ok bool, err error)
}

// send stamps an entrant's message with its unsubscribe link (one click
// stops this kind) and the preferences page, then hands it to the mailer.
func (n *Notifier) send(ctx context.Context, m mail.Message) error {
	if !m.Kind.Transactional() && m.EntrantID != "" {
		m.Unsubscribe = n.PublicURL + "/unsubscribe?t=" + mail.UnsubscribeToken(n.Signer, m.EntrantID, m.Kind)
		m.Preferences = n.PublicURL + "/me#preferences"
	}
	_, err := n.Mailer.Send(ctx, m)
	return err
}

// LoginLink sends a sign-in link in a language (the page's it was asked
// from). It is transactional: always sent.
func (n *Notifier) LoginLink(ctx context.Context, l i18n.Lang, email, token string, ttlMinutes int) error {
	link := n.PublicURL + "/auth/callback?token=" + token
	text := strings.Join([]string{
		l.T("Hello,"),
		"",
		l.T("Use this link to sign in to Tryout:"),
		link,
		"",
		l.T("It works once and expires in %d minutes. If you did not ask for it, ignore this email.", ttlMinutes),
	}, "\n")
	_, err := n.Mailer.Send(ctx, mail.Message{Kind: mail.KindLoginLink, To: email, Subject: l.T("Your Tryout sign-in link"), Text: text, Link: link})
	return err
}

// Note is what a stage's message needs beyond the entry.
type Note struct {
	Reason    string // the team's words: needs changes, rejected, removed, failed, vote review
	Milestone int64  // the vote total reached
	Place     int    // a winner's place
	Prize     string
	Before    int64  // the vote total before a review
	Round     string // the judging round an entry advanced to
	// Key makes the message idempotent (see mail.Message.Key); when empty,
	// the stage's own key is used.
	Key string
}

// Decision tells the entrant what happened to their entry after a status
// change: live, needs changes, rejected, taken down or processing failed,
// with the reason and what they can do next. A decision Tryout made by
// itself has its own messages, which say so and offer an appeal: the
// team's messages speak of what the team did.
func (n *Notifier) Decision(ctx context.Context, e entries.Entry, reason string) error {
	var stage messages.Stage
	auto := e.Automatic()
	switch e.Status {
	case entries.Live:
		stage = messages.Live
		if auto {
			stage = messages.AutoLive
		}
	case entries.NeedsChanges:
		stage = messages.NeedsChanges
	case entries.Rejected:
		stage = messages.Rejected
		if auto {
			stage = messages.AutoRejected
		}
	case entries.Removed:
		stage = messages.Removed
	case entries.Failed:
		stage = messages.Failed
	default:
		return fmt.Errorf("notify: no message for status %s", e.Status)
	}
	return n.Tell(ctx, stage, e, Note{Reason: reason})
}

// EntryReceived thanks the entrant the moment their video is safely stored.
func (n *Notifier) EntryReceived(ctx context.Context, e entries.Entry) error {
	return n.Tell(ctx, messages.Received, e, Note{})
}

// VotesAdjusted tells an entrant that a review of suspicious votes changed
// their entry's total, and why.
func (n *Notifier) VotesAdjusted(ctx context.Context, e entries.Entry, before, after int64, reason string) error {
	e.Votes = after
	return n.Tell(ctx, messages.VotesAdjusted, e, Note{Reason: reason, Before: before, Key: fmt.Sprintf("%s|votes|%d|%d|%s", e.ID, before, after, n.Mailer.Now().UTC().Format("2006-01-02T15:04:05.000"))})
}

// TellWith sends the entry's entrant a message the campaign team wrote
// (one copy of a staff message), once per key.
func (n *Notifier) TellWith(ctx context.Context, t messages.Template, e entries.Entry, key, broadcastID string) error {
	return n.tell(ctx, messages.Team, &t, e, Note{Key: key}, broadcastID)
}

// Won tells an entrant their entry won (part of the results announcement).
func (n *Notifier) Won(ctx context.Context, e entries.Entry, w campaigns.Winner, broadcastID string) error {
	return n.tell(ctx, messages.Winner, nil, e, Note{Place: w.Place, Prize: w.Prize}, broadcastID)
}

// Closed thanks an entrant who did not win, with their entry's figures.
func (n *Notifier) Closed(ctx context.Context, e entries.Entry, broadcastID string) error {
	return n.tell(ctx, messages.Closing, nil, e, Note{}, broadcastID)
}

// Reached is one entry's vote milestone, for a digest.
type Reached struct {
	Entry entries.Entry
	Votes int64
}

// MilestoneDigest tells one entrant, in one message, of several vote
// milestones their entries reached (the day's milestone email was
// already sent when they came). The items' entries share the entrant.
func (n *Notifier) MilestoneDigest(ctx context.Context, items []Reached) error {
	if len(items) == 0 {
		return nil
	}
	who, err := n.Entrants.Get(ctx, items[0].Entry.EntrantID)
	if err != nil {
		return err
	}
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.Entry.CreatorName
	}
	first, err := n.Campaigns.Get(ctx, items[0].Entry.CampaignID)
	if err != nil {
		return err
	}
	l := first.Lang() // one email: in the language of the first entry's campaign
	lines := []string{l.T("Hi %s,", greetingIn(l, who, names...)), "", l.T("Your entries reached new vote milestones:"), ""}
	var keys []string
	for _, it := range items {
		c, err := n.Campaigns.Get(ctx, it.Entry.CampaignID)
		if err != nil {
			return err
		}
		line := "- " + l.T("\"%s\" in %s: %d votes", it.Entry.Title, c.Name, it.Votes)
		if n.Ranks != nil {
			if place, of, err := n.Ranks.Rank(ctx, c.ID, it.Entry.ID); err == nil && place > 0 {
				line += l.T(", number %d of %d", place, of)
			}
		}
		lines = append(lines, line, "  "+n.PublicURL+"/e/"+it.Entry.ID)
		if err := n.emit(ctx, messages.Milestone, who, c, it.Entry, Note{Milestone: it.Votes}, mail.Message{}); err != nil {
			return err
		}
		keys = append(keys, fmt.Sprintf("%s:%d", it.Entry.ID, it.Votes))
	}
	slices.Sort(keys)
	link := n.PublicURL + "/me"
	lines = append(lines, "", l.T("Keep sharing them. See how they are doing:"), link)
	return n.send(ctx, mail.Message{
		Kind: mail.KindMilestone, To: who.Email, EntrantID: who.ID, CampaignID: items[0].Entry.CampaignID, EntryID: items[0].Entry.ID,
		Subject: l.T("Your entries reached new vote milestones"), Text: strings.Join(lines, "\n"), Link: link,
		Key: "digest|" + who.ID + "|" + strings.Join(keys, ","),
	})
}

// Tell sends the entry's entrant the campaign's message for a stage. Each
// stage has its own idempotency key (for status stages, the entry's
// number of status changes), so telling twice sends once.
func (n *Notifier) Tell(ctx context.Context, stage messages.Stage, e entries.Entry, note Note) error {
	return n.tell(ctx, stage, nil, e, note, "")
}

// tell renders t (the campaign's template for the stage when nil) for the
// entry's entrant and sends it.
func (n *Notifier) tell(ctx context.Context, stage messages.Stage, t *messages.Template, e entries.Entry, note Note, broadcastID string) error {
	m, who, c, err := n.composeFor(ctx, stage, t, e, note)
	if err != nil {
		return err
	}
	m.Broadcast = broadcastID
	err = n.send(ctx, m)
	// The event is emitted whether or not the message was sent (the
	// entrant may have turned it off); both are idempotent by key, so a
	// caller that retries after an error emits and sends once.
	return errors.Join(err, n.emit(ctx, stage, who, c, e, note, m))
}

// Preview is the team's message as the entry's entrant would get it,
// without sending it.
func (n *Notifier) Preview(ctx context.Context, t messages.Template, e entries.Entry) (mail.Message, error) {
	return n.compose(ctx, messages.Team, &t, e, Note{})
}

// compose renders t (the campaign's template for the stage when nil) for
// the entry's entrant.
func (n *Notifier) compose(ctx context.Context, stage messages.Stage, t *messages.Template, e entries.Entry, note Note) (mail.Message, error) {
	m, _, _, err := n.composeFor(ctx, stage, t, e, note)
	return m, err
}

// composeFor is compose, also returning the entrant and campaign it read.
func (n *Notifier) composeFor(ctx context.Context, stage messages.Stage, t *messages.Template, e entries.Entry, note Note) (mail.Message, entrants.Entrant, campaigns.Campaign, error) {
	fail := func(err error) (mail.Message, entrants.Entrant, campaigns.Campaign, error) {
		return mail.Message{}, entrants.Entrant{}, campaigns.Campaign{}, err
	}
	who, err := n.Entrants.Get(ctx, e.EntrantID)
	if err != nil {
		return fail(err)
	}
	c, err := n.Campaigns.Get(ctx, e.CampaignID)
	if err != nil {
		return fail(err)
	}
	v, link := n.vars(ctx, stage, who, c, e, note)
	if t == nil {
		own := c.Template(stage)
		t = &own
	}
	r, err := t.Render(v)
	if err != nil {
		return fail(fmt.Errorf("notify: %s template: %w", stage, err))
	}
	if stage == messages.Team && r.Action == "" {
		r.Action = c.Lang().T("Read it and reply on Tryout")
	}
	key := note.Key
	if key == "" {
		key = stageKey(stage, e, note)
	}
	return mail.Message{
		Kind: stage.Kind(), To: who.Email, EntrantID: who.ID, CampaignID: c.ID, EntryID: e.ID,
		Subject: r.Subject, Text: withAction(c.Lang(), r, link), Link: link, Key: key,
	}, who, c, nil
}

// stageKey is a stage's idempotency key: one message per status change,
// per milestone, per result.
func stageKey(stage messages.Stage, e entries.Entry, note Note) string {
	switch stage {
	case messages.Milestone:
		return fmt.Sprintf("%s|milestone|%d", e.ID, note.Milestone)
	case messages.Winner:
		return fmt.Sprintf("%s|winner|%d", e.ID, note.Place)
	case messages.Finalist, messages.Closing:
		return e.ID + "|" + string(stage)
	}
	return fmt.Sprintf("%s|%s|%d", e.ID, stage, len(e.History))
}

// withAction ends a message with its call to action and link.
func withAction(l i18n.Lang, r messages.Rendered, link string) string {
	if link == "" {
		return r.Body
	}
	action := r.Action
	if action == "" {
		action = l.T("Open")
	}
	return r.Body + "\n\n" + action + ":\n" + link
}

// vars are the merge fields for one entrant's message, and the stage's link.
func (n *Notifier) vars(ctx context.Context, stage messages.Stage, who entrants.Entrant, c campaigns.Campaign, e entries.Entry, note Note) (messages.Vars, string) {
	share := n.PublicURL + "/e/" + e.ID
	resubmit := n.PublicURL + "/c/" + c.Slug + "?entry=" + e.ID
	l := c.Lang()
	v := messages.Vars{
		"name": greetingIn(l, who, e.CreatorName), "campaign": c.Name, "entry_title": e.Title,
		"share_link": share, "resubmit_link": resubmit, "reason": note.Reason,
		"votes": strconv.FormatInt(e.Votes, 10), "views": strconv.FormatInt(e.Views, 10),
		"milestone": strconv.FormatInt(note.Milestone, 10), "prize": note.Prize, "round": note.Round,
	}
	if stage == messages.VotesAdjusted {
		v["votes_before"] = strconv.FormatInt(note.Before, 10)
		if d := e.Votes - note.Before; d < 0 {
			v["change"] = l.T("did not count %d of them", -d)
		} else {
			v["change"] = l.T("counts %d more", d)
		}
	}
	if note.Place > 0 {
		v["place"] = strconv.Itoa(note.Place)
	}
	if n.Ranks != nil {
		if place, of, err := n.Ranks.Rank(ctx, c.ID, e.ID); err == nil && place > 0 {
			v["rank"], v["entries"] = strconv.FormatInt(place, 10), strconv.FormatInt(of, 10)
		}
	}
	switch stage {
	case messages.Failed, messages.NeedsChanges:
		v["resubmit"] = l.T("You can upload a new version: your entry is kept.")
	case messages.Rejected:
		v["resubmit"] = l.T("This entry cannot be sent again.")
		if c.EntryOpen(n.Mailer.Now()) == nil {
			v["resubmit"] += " " + l.T("Entries are still open, so you are welcome to enter with a different video.")
		}
	case messages.AutoRejected:
		if c.EntryOpen(n.Mailer.Now()) == nil {
			v["resubmit"] = l.T("Entries are still open, so you are also welcome to enter with a different video.")
		}
	}
	if stage == messages.AutoRejected || stage == messages.Failed {
		if e.CheckAppeal() == nil {
			v["appeal"] = l.T("If you think the check got it wrong, ask a person to look: %s", share+"#appeal")
		}
	}
	if n.Perks != nil && perkDue(c.PerkStage, stage) {
		code, ok, err := n.Perks.Give(ctx, c.ID, who.ID)
		if err == nil && ok {
			v["perk"] = l.T("A little extra from %s: your code is %s.", c.Name, code)
		}
	}
	link := n.PublicURL + "/me"
	switch stage {
	case messages.Failed, messages.NeedsChanges:
		link = resubmit
	case messages.Live, messages.AutoLive, messages.Milestone, messages.Finalist, messages.Advanced, messages.VotesAdjusted:
		link = share
	case messages.AutoRejected:
		link = share + "#appeal"
	case messages.Winner, messages.Closing:
		link = n.PublicURL + "/c/" + c.Slug + "/winners"
	}
	v["link"] = link
	return v, link
}

// perkDue reports whether a stage's message hands out the campaign's perk.
func perkDue(perkStage string, stage messages.Stage) bool {
	switch perkStage {
	case campaigns.PerkAtReceived:
		return stage == messages.Received
	case campaigns.PerkAtLive:
		return stage == messages.Live || stage == messages.AutoLive
	case campaigns.PerkAtClose:
		return stage == messages.Closing || stage == messages.Winner
	}
	return false
}
