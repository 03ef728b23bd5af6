package rights

import (
	"encoding/json"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/guardians"
)

// Data is an entrant's export, written as JSON. Every list is present
// (empty rather than missing), so a reader can tell "none" from "not
// exported".
type Data struct {
	Format        string    `json:"format"`
	ExportedAt    time.Time `json:"exported_at"`
	LinksExpireAt time.Time `json:"links_expire_at"` // when the download links to originals stop working
	// Collections names where each part comes from.
	Collections map[string]string `json:"collections"`
	Entrant     EntrantData       `json:"entrant"`
	Entries     []EntryData       `json:"entries"`
	Messages    []MessageData     `json:"messages"`
	ShareLinks  []ShareData       `json:"share_links"`
	Perks       []PerkData        `json:"perks"`
	Votes       []VoteData        `json:"votes"` // votes cast while signed in; votes as a device are not tied to the account
	Reports     []ReportData      `json:"reports"`
	// WebhookEvents are the events about the entrant the brand's systems
	// were sent (webhooks), with what they carried.
	WebhookEvents []WebhookEventData `json:"webhook_events"`
	Deletion      *DeletionData      `json:"deletion,omitempty"`
}

// WebhookEventData is one event about the entrant sent to a campaign's
// webhook endpoint.
type WebhookEventData struct {
	Type       string          `json:"type"`
	CampaignID string          `json:"campaign_id"`
	At         time.Time       `json:"at"`
	Status     string          `json:"status"`
	Payload    json.RawMessage `json:"payload"`
}

// EntrantData is the account.
type EntrantData struct {
	ID          string    `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	CreatedAt   time.Time `json:"created_at"`
	EmailsOff   []string  `json:"emails_turned_off"`
	NoEmails    bool      `json:"no_emails"`
}

// EntryData is one entry with its history and the consents given for it.
type EntryData struct {
	ID            string           `json:"id"`
	Campaign      CampaignData     `json:"campaign"`
	Title         string           `json:"title"`
	Description   string           `json:"description"`
	CreatorName   string           `json:"creator_name"`
	Status        string           `json:"status"`
	Reason        string           `json:"reason,omitempty"`
	History       []ChangeData     `json:"history"`
	Consents      []ConsentData    `json:"consents"`
	Country       string           `json:"country,omitempty"`
	CountrySignal string           `json:"country_from_network,omitempty"`
	Guardian      *GuardianData    `json:"guardian,omitempty"`
	Original      *OriginalData    `json:"original,omitempty"`
	Media         *entries.Media   `json:"media,omitempty"`
	Findings      []FindingData    `json:"screening_findings"`
	Counts        CountsData       `json:"counts"`
	Finalist      bool             `json:"finalist"`
	Winner        *WinnerData      `json:"winner,omitempty"`
	Deleted       *RetentionDelete `json:"files_deleted,omitempty"`
	CreatedAt     time.Time        `json:"created_at"`
	UpdatedAt     time.Time        `json:"updated_at"`
}

// CampaignData names the campaign.
type CampaignData struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// ChangeData is one status change.
type ChangeData struct {
	From   string    `json:"from,omitempty"`
	To     string    `json:"to"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// ConsentData is one thing accepted at entry, with the text when Tryout
// still holds the version accepted.
type ConsentData struct {
	Kind     string    `json:"kind"`
	Version  string    `json:"version"`
	Accepted bool      `json:"accepted"`
	At       time.Time `json:"at"`
	Text     string    `json:"text,omitempty"`
	Note     string    `json:"note,omitempty"`
}

// GuardianData is the request for a guardian's consent and its answer.
type GuardianData struct {
	Email       string    `json:"email"`
	Status      string    `json:"status"`
	RequestedAt time.Time `json:"requested_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	GivenAt     time.Time `json:"given_at,omitempty"`
	TextVersion string    `json:"text_version,omitempty"`
	Text        string    `json:"text,omitempty"`
}

// OriginalData is the uploaded video, with a link that works until the
// export's links_expire_at.
type OriginalData struct {
	Filename    string `json:"filename"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	Download    string `json:"download_url"`
}

// FindingData is what automatic screening noticed.
type FindingData struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// CountsData are the entry's figures.
type CountsData struct {
	Views         int64 `json:"views"`
	UniqueViewers int64 `json:"unique_viewers"`
	Votes         int64 `json:"votes"`
}

// WinnerData is a prize the entry won.
type WinnerData struct {
	Place int       `json:"place"`
	Prize string    `json:"prize"`
	At    time.Time `json:"at"`
}

// RetentionDelete says when stored files were deleted.
type RetentionDelete struct {
	OriginalAt time.Time `json:"original_at,omitempty"`
	AllAt      time.Time `json:"all_files_at,omitempty"`
}

// MessageData is one message sent to the entrant, with their replies.
type MessageData struct {
	ID        string      `json:"id"`
	Kind      string      `json:"kind"`
	To        string      `json:"to"`
	Subject   string      `json:"subject"`
	Text      string      `json:"text"`
	Link      string      `json:"link,omitempty"`
	Status    string      `json:"status"`
	CreatedAt time.Time   `json:"created_at"`
	SentAt    time.Time   `json:"sent_at,omitempty"`
	Replies   []ReplyData `json:"replies"`
}

// ReplyData is the entrant's answer to a message.
type ReplyData struct {
	ID   string    `json:"id"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// ShareData is a personal share link and what it brought.
type ShareData struct {
	Code      string    `json:"code"`
	EntryID   string    `json:"entry_id"`
	Clicks    int64     `json:"clicks"`
	Entries   int64     `json:"entries"`
	Votes     int64     `json:"votes"`
	CreatedAt time.Time `json:"created_at"`
}

// PerkData is a perk code handed to the entrant.
type PerkData struct {
	CampaignID string    `json:"campaign_id"`
	Code       string    `json:"code"`
	At         time.Time `json:"at"`
}

// VoteData is a vote the entrant cast while signed in.
type VoteData struct {
	EntryID    string    `json:"entry_id"`
	CampaignID string    `json:"campaign_id"`
	Period     string    `json:"period"`
	At         time.Time `json:"at"`
	Counted    bool      `json:"counted"`
}

// ReportData is a report the entrant made about an entry.
type ReportData struct {
	EntryID string    `json:"entry_id"`
	Reason  string    `json:"reason"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

// DeletionData is the account's deletion, when one was asked for.
type DeletionData struct {
	RequestedAt time.Time `json:"requested_at"`
	Status      string    `json:"status"`
	FinishedAt  time.Time `json:"finished_at,omitempty"`
}

func entryData(e entries.Entry, c campaigns.Campaign) EntryData {
	d := EntryData{ID: e.ID, Campaign: CampaignData{c.ID, c.Slug, c.Name}, Title: e.Title, Description: e.Description, CreatorName: e.CreatorName,
		Status: string(e.Status), Reason: e.StatusReason, History: []ChangeData{}, Consents: []ConsentData{}, Findings: []FindingData{},
		Country: e.Country, CountrySignal: e.CountrySignal, Media: e.Media,
		Counts:   CountsData{e.Views, e.UniqueViewers, e.Votes},
		Finalist: e.Finalist, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	for _, h := range e.History {
		d.History = append(d.History, ChangeData{string(h.From), string(h.To), h.Reason, h.At})
	}
	for _, k := range e.Consents {
		d.Consents = append(d.Consents, consentData(k, c))
	}
	for _, f := range e.Findings {
		d.Findings = append(d.Findings, FindingData{f.Kind, f.Detail})
	}
	if !e.OriginalDeletedAt.IsZero() || !e.MediaDeletedAt.IsZero() {
		d.Deleted = &RetentionDelete{OriginalAt: e.OriginalDeletedAt, AllAt: e.MediaDeletedAt}
	}
	return d
}

// consentData adds the text accepted: the campaign's current text when the
// version accepted is still current, else a note saying it changed since.
func consentData(k entries.Consent, c campaigns.Campaign) ConsentData {
	d := ConsentData{Kind: k.Kind, Version: k.Version, Accepted: k.Accepted, At: k.At}
	current := k.Version == c.RulesVersion
	switch k.Kind {
	case "rules":
		d.Text = c.RulesText
	case "media_release":
		d.Text = c.MediaReleaseText
	case "marketing":
		d.Text = "Keep me posted about this brand's news and offers."
		current = true
	case "age":
		d.Note = "the date of birth you gave"
		current = true
	}
	if !current {
		d.Text, d.Note = "", "the campaign's rules changed after you accepted version "+k.Version+"; ask the brand for that version's text"
	}
	return d
}

func guardianData(g guardians.Consent) *GuardianData {
	return &GuardianData{Email: g.Email, Status: string(g.Status), RequestedAt: g.RequestedAt, ExpiresAt: g.ExpiresAt,
		GivenAt: g.GivenAt, TextVersion: g.TextVersion, Text: g.Text}
}
