// Package guardians asks a parent or guardian to consent when a campaign
// says an entrant is too young to consent alone. The entrant gives the
// guardian's email at entry; the guardian opens an emailed link, reads
// exactly what they agree to (a versioned text, stored with the time they
// agreed), and consents. Until then the entry cannot go live. Reminders go
// out after 3 and 7 days; when the campaign's wait (14 days by default)
// passes without consent, the entry is withdrawn and the entrant told.
package guardians

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound    = errors.New("guardian consent not found")
	ErrLinkInvalid = errors.New("consent link is not valid")
	ErrExpired     = errors.New("the time to consent has passed")
	ErrConflict    = errors.New("consent changed concurrently")
)

// Status is where a request for consent stands.
type Status string

// The statuses.
const (
	Pending Status = "pending" // asked, not answered
	Given   Status = "given"   // the guardian consented
	Expired Status = "expired" // no answer in time: the entry was withdrawn
)

// TextVersion names the consent text below; change it with the text.
const TextVersion = "2025-06-1"

// Text is exactly what a guardian agrees to, for one entry.
func Text(campaignName, entryTitle string) string {
	return fmt.Sprintf("I am the parent or legal guardian of the person who entered the video “%s” in the contest “%s”. "+
		"I agree that they may take part under the contest's official rules; that the brand running the contest and Tryout, "+
		"which runs it for them, may keep the video and the details given with it (name, email address, date of birth, "+
		"country) to run the contest; and that, if the entry is accepted, the video may be shown publicly in the contest's "+
		"gallery and on the brand's channels. I understand that the entry and this data can be deleted at any time, "+
		"from the account's “Your data” page or by asking the brand.", entryTitle, campaignName)
}

// Consent is one request for a guardian's consent, keyed by the entry.
type Consent struct {
	EntryID, EntrantID, CampaignID string
	Email                          string // the guardian's
	Status                         Status
	RequestedAt, ExpiresAt         time.Time
	Sent                           bool // the first email went out
	Reminders                      int
	// AutoLive: screening would have put the entry live while consent was
	// pending; it goes live when consent arrives.
	AutoLive bool
	// Filled in when given: the text agreed to, its version, when, and a
	// keyed hash of the address it came from.
	TextVersion, Text string
	GivenAt           time.Time
	IPHash            string
	// Applied: the entry was released (and put live when AutoLive).
	Applied bool
}

// Store keeps requests for consent.
type Store interface {
	// Insert adds a request; a second one for the same entry is ErrConflict.
	Insert(ctx context.Context, c Consent) error
	Get(ctx context.Context, entryID string) (Consent, error)
	// Give records consent if the request is still pending (else ErrConflict).
	Give(ctx context.Context, entryID, version, text, ipHash string, at time.Time) (Consent, error)
	// Expire marks a pending request expired (else ErrConflict).
	Expire(ctx context.Context, entryID string) error
	SetSent(ctx context.Context, entryID string, reminders int) error
	SetAutoLive(ctx context.Context, entryID string) error
	SetApplied(ctx context.Context, entryID string) error
	// Unsettled lists pending requests, and given ones not yet applied.
	Unsettled(ctx context.Context, limit int) ([]Consent, error)
	ByEntrant(ctx context.Context, entrantID string) ([]Consent, error)
	DeleteByEntrant(ctx context.Context, entrantID string) error
}

// reminderAfter are the reminders' delays after the request.
var reminderAfter = []time.Duration{3 * 24 * time.Hour, 7 * 24 * time.Hour}

// ReminderDue reports whether the next reminder should go out at now.
func (c Consent) ReminderDue(now time.Time) bool {
	if c.Status != Pending || c.Reminders >= len(reminderAfter) {
		return false
	}
	at := c.RequestedAt.Add(reminderAfter[c.Reminders])
	return !now.Before(at) && at.Before(c.ExpiresAt)
}
