package rights

import (
	"context"
	"slices"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/guardians"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/perks"
	"github.com/tryout/tryout/internal/referrals"
	"github.com/tryout/tryout/internal/votes"
	"github.com/tryout/tryout/internal/webhooks"
)

// Sources are the stores that hold entrant data, read for an export. Each
// is the small part of a domain store the export needs.
type Sources struct {
	Entrants interface {
		Get(ctx context.Context, id string) (entrants.Entrant, error)
		MailPrefs(ctx context.Context, id string) (mail.Prefs, error)
	}
	Entries interface {
		ListByEntrant(ctx context.Context, id string, limit int) ([]entries.Entry, error)
	}
	Campaigns interface {
		Get(ctx context.Context, id string) (campaigns.Campaign, error)
	}
	Winners interface {
		Winners(ctx context.Context, campaignID string) ([]campaigns.Winner, error)
	}
	Outbox interface {
		ListByEntrant(ctx context.Context, id string, limit int) ([]mail.Message, error)
	}
	Replies interface {
		ListByEntrant(ctx context.Context, id string, limit int) ([]outreach.Reply, error)
	}
	Shares interface {
		BySharer(ctx context.Context, sharer string) ([]referrals.Link, error)
	}
	Perks interface {
		ClaimsOf(ctx context.Context, id string) ([]perks.Claim, error)
	}
	Ballots interface {
		OfVoter(ctx context.Context, voter string, limit int) ([]votes.Ballot, error)
	}
	Reports interface {
		ByReporter(ctx context.Context, reporter string) ([]moderation.Report, error)
	}
	Guardians interface {
		ByEntrant(ctx context.Context, id string) ([]guardians.Consent, error)
	}
	Webhooks interface {
		OfEntrant(ctx context.Context, entrantID string) ([]webhooks.Delivery, error)
	}
	Deletions Store
}

// Downloads signs time-limited links to private originals.
type Downloads interface {
	DownloadURL(ctx context.Context, bucket, key, filename string, ttl time.Duration) (string, error)
}

// Exporter builds an entrant's export.
type Exporter struct {
	Sources
	Downloads Downloads
	Bucket    string        // the originals bucket
	LinkTTL   time.Duration // how long the links to originals work
	Now       func() time.Time
}

// Collections names, for each part of the export, the MongoDB collection it
// comes from: the completeness test checks every collection holding
// entrant data appears here.
var Collections = map[string]string{
	"entrant": "entrants", "entries": "entries", "messages": "outbox", "replies": "replies", "share_links": "share_links",
	"perks": "perk_claims", "votes": "ballots", "reports": "reports", "guardian_consents": "guardian_consents", "deletion": "deletions",
	"webhook_events": "webhook_deliveries",
}

// Export gathers everything Tryout holds about the entrant.
func (x *Exporter) Export(ctx context.Context, entrantID string) (Data, error) {
	who, err := x.Entrants.Get(ctx, entrantID)
	if err != nil {
		return Data{}, err
	}
	now := x.Now().UTC()
	d := Data{Format: "tryout-data-export/1", ExportedAt: now, LinksExpireAt: now.Add(x.LinkTTL), Collections: Collections}
	prefs, err := x.Entrants.MailPrefs(ctx, entrantID)
	if err != nil {
		return Data{}, err
	}
	d.Entrant = EntrantData{ID: who.ID, Email: who.Email, DisplayName: who.DisplayName, CreatedAt: who.CreatedAt, EmailsOff: kinds(prefs.Off), NoEmails: prefs.AllOff}
	if err := x.addEntries(ctx, &d, entrantID); err != nil {
		return Data{}, err
	}
	if err := x.addMessages(ctx, &d, entrantID); err != nil {
		return Data{}, err
	}
	if err := x.addLinks(ctx, &d, entrantID); err != nil {
		return Data{}, err
	}
	if err := x.addWebhooks(ctx, &d, entrantID); err != nil {
		return Data{}, err
	}
	if del, err := x.Deletions.Get(ctx, entrantID); err == nil {
		d.Deletion = &DeletionData{RequestedAt: del.RequestedAt, Status: del.Status, FinishedAt: del.FinishedAt}
	}
	return d, nil
}

func kinds(ks []mail.Kind) []string {
	out := []string{}
	for _, k := range ks {
		out = append(out, string(k))
	}
	return out
}

func (x *Exporter) addEntries(ctx context.Context, d *Data, entrantID string) error {
	list, err := x.Entries.ListByEntrant(ctx, entrantID, 0)
	if err != nil {
		return err
	}
	consents, err := x.Guardians.ByEntrant(ctx, entrantID)
	if err != nil {
		return err
	}
	d.Entries = []EntryData{}
	cps := map[string]campaigns.Campaign{}
	for _, e := range slices.Backward(list) { // oldest first
		c, ok := cps[e.CampaignID]
		if !ok {
			if c, err = x.Campaigns.Get(ctx, e.CampaignID); err != nil {
				return err
			}
			cps[e.CampaignID] = c
		}
		ed := entryData(e, c)
		if ed.Winner, err = x.winner(ctx, e); err != nil {
			return err
		}
		if err := x.original(ctx, &ed, e); err != nil {
			return err
		}
		for _, g := range consents {
			if g.EntryID == e.ID {
				ed.Guardian = guardianData(g)
			}
		}
		d.Entries = append(d.Entries, ed)
	}
	return nil
}

func (x *Exporter) winner(ctx context.Context, e entries.Entry) (*WinnerData, error) {
	ws, err := x.Winners.Winners(ctx, e.CampaignID)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		if w.EntryID == e.ID {
			return &WinnerData{Place: w.Place, Prize: w.Prize, At: w.At}, nil
		}
	}
	return nil, nil
}

// original adds the time-limited link to the entrant's own original.
func (x *Exporter) original(ctx context.Context, ed *EntryData, e entries.Entry) error {
	if e.Original.Key == "" || !e.OriginalDeletedAt.IsZero() {
		return nil
	}
	name := e.Original.Filename
	if name == "" {
		name = e.ID + ".video"
	}
	u, err := x.Downloads.DownloadURL(ctx, x.Bucket, e.Original.Key, name, x.LinkTTL)
	if err != nil {
		return err
	}
	ed.Original = &OriginalData{Filename: e.Original.Filename, Size: e.Original.Size, ContentType: e.Original.ContentType, Download: u}
	return nil
}

func (x *Exporter) addMessages(ctx context.Context, d *Data, entrantID string) error {
	msgs, err := x.Outbox.ListByEntrant(ctx, entrantID, 0)
	if err != nil {
		return err
	}
	replies, err := x.Replies.ListByEntrant(ctx, entrantID, 0)
	if err != nil {
		return err
	}
	d.Messages = []MessageData{}
	for _, m := range slices.Backward(msgs) {
		md := MessageData{ID: m.ID, Kind: string(m.Kind), To: m.To, Subject: m.Subject, Text: m.Text, Link: m.Link,
			Status: string(m.Status), CreatedAt: m.CreatedAt, SentAt: m.SentAt, Replies: []ReplyData{}}
		if m.Kind.CarriesCredential() { // a working sign-in or deletion link does not belong in a file
			md.Text, md.Link = "(this message held a one-time link, left out of the export)", ""
		}
		for _, r := range slices.Backward(replies) {
			if r.MessageID == m.ID {
				md.Replies = append(md.Replies, ReplyData{ID: r.ID, Text: r.Text, At: r.At})
			}
		}
		d.Messages = append(d.Messages, md)
	}
	return nil
}

func (x *Exporter) addLinks(ctx context.Context, d *Data, entrantID string) error {
	links, err := x.Shares.BySharer(ctx, "e:"+entrantID)
	if err != nil {
		return err
	}
	d.ShareLinks = []ShareData{}
	for _, l := range links {
		d.ShareLinks = append(d.ShareLinks, ShareData{Code: l.Code, EntryID: l.EntryID, Clicks: l.Clicks, Entries: l.Entries, Votes: l.Votes, CreatedAt: l.CreatedAt})
	}
	claims, err := x.Perks.ClaimsOf(ctx, entrantID)
	if err != nil {
		return err
	}
	d.Perks = []PerkData{}
	for _, c := range claims {
		d.Perks = append(d.Perks, PerkData{CampaignID: c.CampaignID, Code: c.Code, At: c.At})
	}
	ballots, err := x.Ballots.OfVoter(ctx, "e:"+entrantID, 0)
	if err != nil {
		return err
	}
	d.Votes = []VoteData{}
	for _, b := range ballots {
		d.Votes = append(d.Votes, VoteData{EntryID: b.EntryID, CampaignID: b.CampaignID, Period: b.Period, At: b.At, Counted: !b.Discounted})
	}
	reports, err := x.Reports.ByReporter(ctx, entrantID)
	if err != nil {
		return err
	}
	d.Reports = []ReportData{}
	for _, r := range reports {
		d.Reports = append(d.Reports, ReportData{EntryID: r.EntryID, Reason: r.Reason, Text: r.Text, At: r.CreatedAt})
	}
	return nil
}

// addWebhooks lists the events about the entrant sent to webhooks.
func (x *Exporter) addWebhooks(ctx context.Context, d *Data, entrantID string) error {
	d.WebhookEvents = []WebhookEventData{}
	if x.Webhooks == nil {
		return nil
	}
	list, err := x.Webhooks.OfEntrant(ctx, entrantID)
	if err != nil {
		return err
	}
	for _, w := range list {
		d.WebhookEvents = append(d.WebhookEvents, WebhookEventData{Type: string(w.Type), CampaignID: w.CampaignID, At: w.CreatedAt, Status: w.Status, Payload: w.Body})
	}
	return nil
}
