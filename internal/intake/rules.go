package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/problem"
)

// Rule refusals the HTTP layer translates.
var (
	ErrTooManyEntries  = errors.New("entry limit reached")
	ErrTooYoung        = errors.New("below the minimum age")
	ErrConsentRequired = errors.New("consent required")
)

// Details is what the entrant typed and accepted before uploading.
type Details struct {
	Title        string
	Description  string
	CreatorName  string // the name shown with the entry in public; optional
	BirthDate    string // YYYY-MM-DD; required when the campaign has a minimum or guardian age
	AcceptRules  string // the rules version the entrant accepted
	MediaRelease bool
	Marketing    bool
	IP           string // the request's address; stored only as a keyed hash
	// Country is the entrant's declared country (ISO 3166-1 alpha-2);
	// CountrySignal what a trusted proxy said (never from the client).
	Country, CountrySignal string
	// GuardianEmail is a parent or guardian's address, required when the
	// entrant is below the campaign's guardian age.
	GuardianEmail string
}

// checkDetails validates the typed fields and the campaign's rules for this
// entrant, and returns the consent records to store with the entry.
func (s *Service) checkDetails(ctx context.Context, c campaigns.Campaign, entrantID string, d Details) ([]entries.Consent, rights, error) {
	if err := checkText(d.Title, d.Description, d.CreatorName); err != nil {
		return nil, rights{}, err
	}
	if d.AcceptRules != c.RulesVersion {
		return nil, rights{}, problem.New(ErrConsentRequired, "Accept the official rules (version %s) to enter.", c.RulesVersion)
	}
	if !d.MediaRelease {
		return nil, rights{}, problem.New(ErrConsentRequired, "Accept the media release so your video can be shown.")
	}
	now := s.Now()
	var born time.Time
	if needsBirthDate(c) {
		var err error
		born, err = time.Parse("2006-01-02", strings.TrimSpace(d.BirthDate))
		if err != nil || born.After(now) || born.Year() < 1900 {
			return nil, rights{}, problem.New(ErrInvalid, "Give your date of birth as YYYY-MM-DD.")
		}
		if age(born, now) < c.MinAge {
			return nil, rights{}, problem.New(ErrTooYoung, "You must be %d or older to enter this contest.", c.MinAge)
		}
	}
	r, err := checkRights(c, d, born, now)
	if err != nil {
		return nil, rights{}, err
	}
	ip := s.HashIP(d.IP)
	consents := []entries.Consent{
		{Kind: "rules", Version: c.RulesVersion, Accepted: true, At: now, IPHash: ip},
		{Kind: "media_release", Version: c.RulesVersion, Accepted: true, At: now, IPHash: ip},
		{Kind: "marketing", Version: c.RulesVersion, Accepted: d.Marketing, At: now, IPHash: ip},
	}
	if needsBirthDate(c) {
		consents = append(consents, entries.Consent{Kind: "age", Version: strings.TrimSpace(d.BirthDate), Accepted: true, At: now, IPHash: ip})
	}
	return consents, r, nil
}

func checkText(title, description, creator string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(title)); {
	case n == 0:
		return problem.New(ErrInvalid, "Give your entry a title (send the title field before the file).")
	case n > 100:
		return problem.New(ErrInvalid, "Keep the title to 100 characters.")
	}
	if utf8.RuneCountInString(description) > 2000 {
		return problem.New(ErrInvalid, "Keep the description to 2000 characters.")
	}
	if utf8.RuneCountInString(strings.TrimSpace(creator)) > 60 {
		return problem.New(ErrInvalid, "Keep the name shown with your entry to 60 characters.")
	}
	return nil
}

// age is whole years between born and now.
func age(born, now time.Time) int {
	y := now.Year() - born.Year()
	if now.Month() < born.Month() || now.Month() == born.Month() && now.Day() < born.Day() {
		y-- // birthday not reached yet this year
	}
	return y
}

// CreateDraft saves the entrant's title, description and consents before
// any byte is uploaded, so a failed upload never loses them.
func (s *Service) CreateDraft(ctx context.Context, slug, entrantID string, d Details) (entries.Entry, error) {
	c, err := s.openCampaign(ctx, slug)
	if err != nil {
		return entries.Entry{}, err
	}
	consents, r, err := s.checkDetails(ctx, c, entrantID, d)
	if err != nil {
		return entries.Entry{}, err
	}
	now := s.Now()
	id := newEntryID()
	if err := s.claimSlot(ctx, c, entrantID, id); err != nil {
		return entries.Entry{}, err
	}
	e := entries.Entry{
		ID: id, CampaignID: c.ID, EntrantID: entrantID,
		Title: strings.TrimSpace(d.Title), Description: strings.TrimSpace(d.Description), CreatorName: strings.TrimSpace(d.CreatorName),
		Status: entries.Draft, History: []entries.StatusChange{{To: entries.Draft, At: now}},
		Consents: consents, CreatedAt: now, UpdatedAt: now,
	}
	r.apply(&e)
	if err := s.askGuardian(ctx, c, e, r); err != nil {
		s.releaseSlot(ctx, id)
		return entries.Entry{}, err
	}
	if err := s.Entries.Create(ctx, e); err != nil {
		s.releaseSlot(ctx, id)
		return entries.Entry{}, err
	}
	s.sendGuardian(ctx, e)
	s.count(ctx, c.ID, e.ID, analytics.Drafts)
	return e, nil
}

// claimSlot takes one of the entries the campaign allows this entrant.
func (s *Service) claimSlot(ctx context.Context, c campaigns.Campaign, entrantID, entryID string) error {
	err := s.Slots.Claim(ctx, c.ID, entrantID, entryID, c.MaxEntriesPerEntrant)
	if errors.Is(err, entries.ErrNoSlot) {
		if c.MaxEntriesPerEntrant == 1 {
			return problem.New(ErrTooManyEntries, "This contest takes one entry per person and you have sent yours.")
		}
		return problem.New(ErrTooManyEntries, "This contest takes %d entries per person and you have used them all.", c.MaxEntriesPerEntrant)
	}
	return err
}

func (s *Service) releaseSlot(ctx context.Context, entryID string) {
	if err := s.Slots.Release(context.WithoutCancel(ctx), entryID); err != nil {
		s.Log.Error("intake: release entry slot", "entry", entryID, "err", err)
	}
}

// openCampaign finds a campaign taking entries now.
func (s *Service) openCampaign(ctx context.Context, slug string) (campaigns.Campaign, error) {
	c, err := s.Campaigns.GetBySlug(ctx, slug)
	if err != nil {
		return c, err
	}
	return c, c.EntryOpen(s.Now())
}

// Mine returns the entry if it belongs to the entrant; anyone else's entry
// is reported as not found, so ids cannot be probed.
func (s *Service) Mine(ctx context.Context, entrantID, entryID string) (entries.Entry, error) {
	e, err := s.Entries.Get(ctx, entryID)
	if err != nil {
		return e, err
	}
	if !e.OwnedBy(entrantID) {
		return entries.Entry{}, fmt.Errorf("intake: %s: %w", entryID, entries.ErrNotFound)
	}
	return e, nil
}

// Withdraw takes the entry out of the contest and discards any upload in
// progress.
func (s *Service) Withdraw(ctx context.Context, entrantID, entryID string) (entries.Entry, error) {
	e, err := s.Mine(ctx, entrantID, entryID)
	if err != nil {
		return e, err
	}
	up := e.Upload
	e, err = entries.MoveWith(ctx, s.Entries, e, entries.Change{To: entries.Withdrawn, Reason: "Withdrawn by the entrant.", At: s.Now(), ClearUpload: up != nil})
	if err != nil {
		return e, err
	}
	s.releaseSlot(ctx, e.ID) // a withdrawn entry does not count against the limit
	if up != nil {
		if err := s.Blobs.AbortMultipart(context.WithoutCancel(ctx), s.Bucket, up.Key, up.ID); err != nil {
			s.Log.Error("intake: abort upload on withdraw", "entry", e.ID, "err", err)
		}
	}
	return e, nil
}
