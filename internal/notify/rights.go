package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/mail"
)

// DeletionLink sends the link that confirms an account deletion, in l (the
// language of the page it was asked from: an account has no campaign). It
// is transactional (always sent) and kept out of the inbox: it acts for
// the entrant.
func (n *Notifier) DeletionLink(ctx context.Context, l i18n.Lang, who entrants.Entrant, token string, ttl time.Duration) error {
	link := n.PublicURL + "/account/delete?token=" + token
	text := strings.Join([]string{
		l.T("Hello,"),
		"",
		l.T("You asked us to delete your Tryout account and everything we hold about you: your entries and their videos, your messages, share links and perks."),
		l.T("Votes you cast stay counted, with nothing left that says they were yours."),
		"",
		l.T("To confirm, open this link and press the button on the page:"),
		link,
		"",
		l.T("It works once and expires in %s. If you did not ask for this, ignore this email: nothing happens.", humanIn(l, ttl)),
	}, "\n")
	_, err := n.Mailer.Send(ctx, mail.Message{Kind: mail.KindAccount, To: who.Email, EntrantID: who.ID,
		Subject: l.T("Confirm deleting your Tryout account"), Text: text, Link: link})
	return err
}

// GuardianRequest asks a parent or guardian to consent to an entry, in the
// campaign's language. n is 0 for the first request and counts the
// reminders after it; each is sent once (idempotency key per entry and n).
func (n *Notifier) GuardianRequest(ctx context.Context, to string, e entries.Entry, campaignName, token string, expires time.Time, reminder int) error {
	l := n.campaignLang(ctx, e.CampaignID)
	link := n.PublicURL + "/guardian?token=" + token
	subject := l.T("Your consent is needed for an entry in %s", campaignName)
	if reminder > 0 {
		subject = l.T("Reminder: %s", subject)
	}
	name := e.CreatorName
	if name == "" {
		name = l.T("Someone in your care")
	}
	text := strings.Join([]string{
		l.T("Hello,"),
		"",
		l.T("%s entered the video “%s” in the contest “%s” and gave your email address as their parent or guardian.", name, e.Title, campaignName),
		l.T("Because of their age, the entry cannot be shown until you agree."),
		"",
		l.T("Read exactly what you would agree to, and agree if you do, here:"),
		link,
		"",
		l.T("If you do not agree by %s, the entry is withdrawn and nothing is shown.", dayIn(l, expires.UTC())),
		l.T("If you do not know who this is, ignore this email."),
	}, "\n")
	_, err := n.Mailer.Send(ctx, mail.Message{Kind: mail.KindGuardian, To: to, CampaignID: e.CampaignID, EntryID: e.ID,
		Subject: subject, Text: text, Link: link, Key: fmt.Sprintf("guardian:%s:%d", e.ID, reminder)})
	return err
}

// GuardianExpired tells the entrant, in the campaign's language, that their
// entry was withdrawn because no guardian consented in time.
func (n *Notifier) GuardianExpired(ctx context.Context, e entries.Entry, days int) error {
	who, err := n.Entrants.Get(ctx, e.EntrantID)
	if err != nil {
		return err
	}
	c, err := n.Campaigns.Get(ctx, e.CampaignID)
	if err != nil {
		return err
	}
	l := c.Lang()
	link := n.PublicURL + "/c/" + c.Slug
	text := strings.Join([]string{
		l.T("Hello,"),
		"",
		l.T("Your parent or guardian did not give their consent within %d days, so your entry “%s” in %s was withdrawn. It was never shown to anyone.", days, e.Title, c.Name),
		l.T("You can enter again while the contest is open. Ask them to look out for our email, in their spam folder too."),
		"",
		link,
	}, "\n")
	return n.send(ctx, mail.Message{Kind: mail.KindDecision, To: who.Email, EntrantID: who.ID, CampaignID: c.ID, EntryID: e.ID,
		Subject: l.T("Your entry “%s” was withdrawn", e.Title), Text: text, Link: link, Key: "guardian-expired:" + e.ID})
}

// campaignLang is the language of a campaign's emails (English when it
// cannot be read: the email still goes).
func (n *Notifier) campaignLang(ctx context.Context, campaignID string) i18n.Lang {
	c, err := n.Campaigns.Get(ctx, campaignID)
	if err != nil {
		return i18n.EN
	}
	return c.Lang()
}

// dayIn writes a date as a letter does: "2 January 2006", "2 de enero de 2006".
func dayIn(l i18n.Lang, t time.Time) string {
	if l != i18n.ES {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d de %s de %d", t.Day(), esMonthNames[t.Month()-1], t.Year())
}

var esMonthNames = [...]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}

// humanIn writes a duration as people say it in l.
func humanIn(l i18n.Lang, d time.Duration) string {
	if l != i18n.ES {
		return human(d)
	}
	n, one, many := int(d.Round(time.Minute)/time.Minute), "minuto", "minutos"
	if d >= time.Hour && d%time.Hour == 0 {
		n, one, many = int(d/time.Hour), "hora", "horas"
	}
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
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
