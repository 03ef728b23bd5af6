package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
)

// DeletionLink sends the link that confirms an account deletion. It is
// transactional (always sent) and kept out of the inbox: it acts for the
// entrant.
func (n *Notifier) DeletionLink(ctx context.Context, who entrants.Entrant, token string, ttl time.Duration) error {
	link := n.PublicURL + "/account/delete?token=" + token
	text := strings.Join([]string{
		"Hello,",
		"",
		"You asked us to delete your Tryout account and everything we hold about you:",
		"your entries and their videos, your messages, share links and perks.",
		"Votes you cast stay counted, with nothing left that says they were yours.",
		"",
		"To confirm, open this link and press the button on the page:",
		link,
		"",
		fmt.Sprintf("It works once and expires in %s. If you did not ask for this, ignore this email: nothing happens.", human(ttl)),
	}, "\n")
	_, err := n.Mailer.Send(ctx, mail.Message{Kind: mail.KindAccount, To: who.Email, EntrantID: who.ID,
		Subject: "Confirm deleting your Tryout account", Text: text, Link: link})
	return err
}

// GuardianRequest asks a parent or guardian to consent to an entry. n is 0
// for the first request and counts the reminders after it; each is sent
// once (idempotency key per entry and n).
func (n *Notifier) GuardianRequest(ctx context.Context, to string, e entries.Entry, campaignName, token string, expires time.Time, reminder int) error {
	link := n.PublicURL + "/guardian?token=" + token
	subject := "Your consent is needed for an entry in " + campaignName
	if reminder > 0 {
		subject = "Reminder: " + subject
	}
	name := e.CreatorName
	if name == "" {
		name = "Someone in your care"
	}
	text := strings.Join([]string{
		"Hello,",
		"",
		fmt.Sprintf("%s entered the video “%s” in the contest “%s” and gave your email address as their parent or guardian.", name, e.Title, campaignName),
		"Because of their age, the entry cannot be shown until you agree.",
		"",
		"Read exactly what you would agree to, and agree if you do, here:",
		link,
		"",
		"If you do not agree by " + expires.UTC().Format("2 January 2006") + ", the entry is withdrawn and nothing is shown.",
		"If you do not know who this is, ignore this email.",
	}, "\n")
	_, err := n.Mailer.Send(ctx, mail.Message{Kind: mail.KindGuardian, To: to, CampaignID: e.CampaignID, EntryID: e.ID,
		Subject: subject, Text: text, Link: link, Key: fmt.Sprintf("guardian:%s:%d", e.ID, reminder)})
	return err
}

// GuardianExpired tells the entrant their entry was withdrawn because no
// guardian consented in time.
func (n *Notifier) GuardianExpired(ctx context.Context, e entries.Entry, days int) error {
	who, err := n.Entrants.Get(ctx, e.EntrantID)
	if err != nil {
		return err
	}
	c, err := n.Campaigns.Get(ctx, e.CampaignID)
	if err != nil {
		return err
	}
	link := n.PublicURL + "/c/" + c.Slug
	text := strings.Join([]string{
		"Hello,",
		"",
		fmt.Sprintf("Your parent or guardian did not give their consent within %d days, so your entry “%s” in %s was withdrawn. It was never shown to anyone.", days, e.Title, c.Name),
		"You can enter again while the contest is open. Ask them to look out for our email, in their spam folder too.",
		"",
		link,
	}, "\n")
	return n.send(ctx, mail.Message{Kind: mail.KindDecision, To: who.Email, EntrantID: who.ID, CampaignID: c.ID, EntryID: e.ID,
		Subject: "Your entry “" + e.Title + "” was withdrawn", Text: text, Link: link, Key: "guardian-expired:" + e.ID})
}

// human writes a duration as people say it: "24 hours", "30 minutes".
func human(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d.Round(time.Minute)/time.Minute), "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
