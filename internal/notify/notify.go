// Package notify writes the messages Tryout sends entrants and hands them to
// the mailer: sign-in links now, and the brand's reply at each stage.
package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
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

// LoginLink sends a sign-in link. It is transactional: always sent.
func (n *Notifier) LoginLink(ctx context.Context, email, token string, ttlMinutes int) error {
	link := n.PublicURL + "/auth/callback?token=" + token
	text := strings.Join([]string{
		"Hello,",
		"",
		"Use this link to sign in to Tryout:",
		link,
		"",
		fmt.Sprintf("It works once and expires in %d minutes. If you did not ask for it, ignore this email.", ttlMinutes),
	}, "\n")
	_, err := n.Mailer.Send(ctx, mail.Message{Kind: mail.KindLoginLink, To: email, Subject: "Your Tryout sign-in link", Text: text, Link: link})
	return err
}

// parties looks up who an entry message goes to and the campaign it is about.
func (n *Notifier) parties(ctx context.Context, e entries.Entry) (entrants.Entrant, campaigns.Campaign, error) {
	who, err := n.Entrants.Get(ctx, e.EntrantID)
	if err != nil {
		return entrants.Entrant{}, campaigns.Campaign{}, err
	}
	c, err := n.Campaigns.Get(ctx, e.CampaignID)
	return who, c, err
}

// EntryReceived thanks the entrant the moment their video is safely stored.
func (n *Notifier) EntryReceived(ctx context.Context, e entries.Entry) error {
	who, c, err := n.parties(ctx, e)
	if err != nil {
		return err
	}
	link := n.PublicURL + "/me"
	text := strings.Join([]string{
		fmt.Sprintf("Hi %s,", who.DisplayName),
		"",
		fmt.Sprintf("Thank you for entering %s! We have your video \"%s\".", c.Name, e.Title),
		"",
		"We are preparing it now, then the campaign team will review it. You will hear from us at each step, and you can see where your entry stands at any time:",
		link,
	}, "\n")
	return n.send(ctx, mail.Message{
		Kind: mail.KindEntryReceived, To: who.Email, EntrantID: who.ID, CampaignID: c.ID, EntryID: e.ID,
		Subject: "Thanks for your entry to " + c.Name, Text: text, Link: link,
	})
}

// Decision tells the entrant what the campaign team decided, with the
// reason in the team's words and what the entrant can do next.
func (n *Notifier) Decision(ctx context.Context, e entries.Entry, reason string) error {
	who, c, err := n.parties(ctx, e)
	if err != nil {
		return err
	}
	var subject, link string
	lines := []string{fmt.Sprintf("Hi %s,", who.DisplayName), ""}
	switch e.Status {
	case entries.Live:
		subject, link = "Your entry to "+c.Name+" is live", n.PublicURL+"/e/"+e.ID
		lines = append(lines, fmt.Sprintf("Good news: \"%s\" was approved and is now live in the %s gallery. Share it with your friends:", e.Title, c.Name), link)
	case entries.NeedsChanges:
		subject, link = "A change is needed to your entry to "+c.Name, n.PublicURL+"/c/"+c.Slug+"?entry="+e.ID
		lines = append(lines, fmt.Sprintf("The %s team looked at \"%s\" and asks for a change before it can go live:", c.Name, e.Title), "", reason, "",
			"Your entry is kept. Upload a new version here:", link)
	case entries.Rejected:
		subject, link = "About your entry to "+c.Name, n.PublicURL+"/me"
		lines = append(lines, fmt.Sprintf("Thank you for entering %s. The team reviewed \"%s\" and cannot accept it:", c.Name, e.Title), "", reason, "",
			"You can see your entries at any time:", link)
	case entries.Removed:
		subject, link = "Your entry to "+c.Name+" was taken down", n.PublicURL+"/me"
		lines = append(lines, fmt.Sprintf("\"%s\" has been taken down from the %s gallery:", e.Title, c.Name), "", reason, "",
			"Your entries:", link)
	default:
		return fmt.Errorf("notify: no decision message for status %s", e.Status)
	}
	return n.send(ctx, mail.Message{
		Kind: mail.KindDecision, To: who.Email, EntrantID: who.ID, CampaignID: c.ID, EntryID: e.ID,
		Subject: subject, Text: strings.Join(lines, "\n"), Link: link,
	})
}

// VotesAdjusted tells an entrant that a review of suspicious votes changed
// their entry's total, and why.
func (n *Notifier) VotesAdjusted(ctx context.Context, e entries.Entry, before, after int64, reason string) error {
	who, c, err := n.parties(ctx, e)
	if err != nil {
		return err
	}
	link := n.PublicURL + "/e/" + e.ID
	lines := []string{fmt.Sprintf("Hi %s,", who.DisplayName), ""}
	if after < before {
		lines = append(lines, fmt.Sprintf("The %s team reviewed the votes for \"%s\" and did not count %d of them, so its total is now %d (it was %d).", c.Name, e.Title, before-after, after, before))
	} else {
		lines = append(lines, fmt.Sprintf("The %s team reviewed the votes for \"%s\" again and counts %d more, so its total is now %d (it was %d).", c.Name, e.Title, after-before, after, before))
	}
	lines = append(lines, "", "Why: "+reason, "", "Your entry stays in the gallery, and every honest vote counts:", link)
	return n.send(ctx, mail.Message{
		Kind: mail.KindVotesAdjusted, To: who.Email, EntrantID: who.ID, CampaignID: c.ID, EntryID: e.ID,
		Subject: "Your vote total in " + c.Name + " changed", Text: strings.Join(lines, "\n"), Link: link,
	})
}
