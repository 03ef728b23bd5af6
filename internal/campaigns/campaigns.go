// Package campaigns holds the contest campaign, the rules for a valid one,
// and the Store it is kept in.
package campaigns

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/votes"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound   = errors.New("campaign not found")
	ErrSlugTaken  = errors.New("campaign slug already taken")
	ErrNotOpen    = errors.New("entry window not open")
	ErrValidation = errors.New("invalid campaign")
)

// IDPrefix starts every campaign id.
const IDPrefix = "cp_"

// Limits that apply when a campaign does not set its own.
const (
	DefaultMaxFileBytes       = 1_000_000_000 // 1 GB (decimal, as phones show sizes)
	DefaultMaxDurationSeconds = 180
)

// Campaign is one brand contest.
type Campaign struct {
	ID                 string
	Slug               string
	Name               string
	Description        string
	EntryOpensAt       time.Time
	EntryClosesAt      time.Time
	MaxFileBytes       int64
	MaxDurationSeconds int
	// Entry rules, enforced on the server for every entry.
	MaxEntriesPerEntrant int    // default 1
	MinAge               int    // 0: no age gate
	RulesVersion         string // the official rules an entrant accepts
	RulesText            string
	MediaReleaseText     string // what the entrant grants by accepting the media release
	// Screening.
	ModerationMode     string   // review_all (default), auto_approve_clean, auto_approve_all
	BlockedWords       []string // matched in titles and descriptions
	MinDurationSeconds int      // shorter videos are refused (automatically, with the reason); default 3
	ReportThreshold    int      // fan reports that send a live entry back to review; default 3
	ReasonTemplates    []string // offered to moderators when rejecting; the built-in list when empty
	// Fans.
	VotingOpensAt  time.Time // zero: no voting
	VotingClosesAt time.Time
	// Voting rules (see votes.Rules; empty means the default).
	VoteFrequency  string // once, hour, day (default), week
	VoteScope      string // entry (default: one vote per entry per period) or campaign
	VotesPerPeriod int    // campaign scope: votes across the campaign per period (default 1)
	VoterIdentity  string // device, email or both (default)
	SelfVote       bool   // entrants may vote for their own entries
	HideTotals     bool   // vote totals hidden from the public until voting closes
	// TimeZone is the campaign's IANA time zone ("Europe/Paris"): vote days
	// and weeks start at its midnight. "" is UTC.
	TimeZone string
	// Language is what the campaign's pages, refusals and messages to
	// entrants speak; "" (campaigns made before languages) is English.
	Language i18n.Lang
	// VoteChecksOff names the automatic vote checks the campaign switched
	// off (see votes.CheckNames); every other check is on.
	VoteChecksOff []string
	PerksText     string // what entrants and voters get, shown on the campaign page
	// Messages to entrants.
	Messages messages.Set // the campaign's own templates in English; other stages use the defaults
	// MessagesIn are the campaign's own templates in other languages (a
	// campaign's templates are edited for its language).
	MessagesIn map[i18n.Lang]messages.Set
	Milestones []int  // vote totals that earn a message; default 10, 100, 1000
	PerkStage  string // when an entrant gets a perk code: received, live or close; "" for none
	BrandColor string // #rrggbb accent for the campaign's pages; "" for Tryout's
	BrandName  string // the brand running it, shown as the site name when its links are shared; "" for the campaign's name
	LogoKey    string // PNG, JPEG or WebP in the renditions bucket; "" for none
	CreatedBy  string
	CreatedAt  time.Time

	// Eligibility and consent (see docs/DATA-RIGHTS.md).
	Countries    []string // ISO 3166-1 alpha-2 codes the contest is open to; empty: anywhere
	GuardianAge  int      // entrants younger than this need a guardian's consent; 0: never
	GuardianDays int      // days a guardian has to consent before the entry is withdrawn; default 14
	// Retention: 0 means the server's default (TRYOUT_RETAIN_*).
	RetainOriginalsDays   int  // days after the campaign closes before originals are deleted
	KeepWinnerOriginals   bool // winners' originals are kept past that
	RetainUnpublishedDays int  // days before the media of an entry that never went live is deleted
	RetainSignalsDays     int  // days before voters' signal hashes are erased from ballots
}

// DefaultMilestones are the vote totals that earn a message when a
// campaign names none.
var DefaultMilestones = []int{10, 100, 1000}

// MilestoneAt reports whether a vote total is one of the campaign's milestones.
func (c Campaign) MilestoneAt(n int64) bool {
	return votes.Rules{Milestones: c.milestones()}.MilestoneAt(n)
}

// milestones are the campaign's milestones, or the defaults.
func (c Campaign) milestones() []int {
	if len(c.Milestones) == 0 {
		return DefaultMilestones
	}
	return c.Milestones
}

// VotingRecent reports whether voting has opened by now and closed less
// than a day ago: the campaigns whose vote counters the periodic jobs
// (reconcile, the re-check of held votes) look after.
func (c Campaign) VotingRecent(now time.Time) bool {
	return !c.VotingOpensAt.IsZero() && now.After(c.VotingOpensAt) && now.Before(c.VotingClosesAt.Add(24*time.Hour))
}

// Perk stages: when an entrant is handed a code from the perk pool.
const (
	PerkAtReceived = "received"
	PerkAtLive     = "live"
	PerkAtClose    = "close"
)

// EntryOpen reports whether entries are accepted at now; ErrNotOpen explains
// why not.
func (c Campaign) EntryOpen(now time.Time) error {
	switch {
	case now.Before(c.EntryOpensAt):
		return problem.New(ErrNotOpen, "This campaign is not taking entries yet (entries open %s).", c.EntryOpensAt.UTC().Format(time.RFC1123))
	case !now.Before(c.EntryClosesAt):
		return problem.New(ErrNotOpen, "This campaign is not taking entries any more (entries closed %s).", c.EntryClosesAt.UTC().Format(time.RFC1123))
	}
	return nil
}

// FieldErrors maps a field name to what is wrong with it.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+f[k])
	}
	return strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrValidation) match.
func (f FieldErrors) Unwrap() error { return ErrValidation }

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$`)

// Validate checks a campaign before it is stored, filling in default limits.
// It returns FieldErrors naming every bad field.
func (c *Campaign) Validate(maxUploadBytes int64) error {
	c.Slug = strings.TrimSpace(strings.ToLower(c.Slug))
	c.Name = strings.TrimSpace(c.Name)
	if c.MaxFileBytes == 0 {
		c.MaxFileBytes = min(DefaultMaxFileBytes, maxUploadBytes)
	}
	if c.MaxDurationSeconds == 0 {
		c.MaxDurationSeconds = DefaultMaxDurationSeconds
	}
	if c.MaxEntriesPerEntrant == 0 {
		c.MaxEntriesPerEntrant = 1
	}
	c.RulesVersion = strings.TrimSpace(c.RulesVersion)
	if c.RulesVersion == "" {
		c.RulesVersion = "1"
	}
	c.MediaReleaseText = mediaRelease(c.MediaReleaseText, c.Lang())
	if c.ModerationMode == "" {
		c.ModerationMode = "review_all"
	}
	if c.MinDurationSeconds == 0 {
		c.MinDurationSeconds = 3
	}
	if c.ReportThreshold == 0 {
		c.ReportThreshold = 3
	}
	fe := FieldErrors{}
	c.validateRights(fe)
	c.validateBrand(fe)
	for k, v := range c.VoteRules().Validate() {
		fe[k] = v
	}
	c.TimeZone = strings.TrimSpace(c.TimeZone)
	c.validateLanguage(fe)
	if _, err := Location(c.TimeZone); err != nil {
		fe["time_zone"] = "use an IANA time zone such as Europe/Paris or America/New_York, or leave it empty for UTC"
	}
	if _, err := votes.ParseChecks(c.VoteChecksOff); err != nil {
		fe["vote_checks_off"] = "name only these checks: " + strings.Join(votes.CheckNames(), ", ")
	}
	if !slugRE.MatchString(c.Slug) {
		fe["slug"] = "use 3 to 60 lowercase letters, digits and hyphens, starting and ending with a letter or digit"
	}
	if n := utf8.RuneCountInString(c.Name); n == 0 || n > 120 {
		fe["name"] = "give a name of 1 to 120 characters"
	}
	if utf8.RuneCountInString(c.Description) > 5000 {
		fe["description"] = "keep the description under 5000 characters"
	}
	if c.EntryOpensAt.IsZero() {
		fe["entry_opens_at"] = "set when entries open"
	}
	if c.EntryClosesAt.IsZero() {
		fe["entry_closes_at"] = "set when entries close"
	} else if !c.EntryClosesAt.After(c.EntryOpensAt) {
		fe["entry_closes_at"] = "entries must close after they open"
	}
	if c.MaxFileBytes < 1_000_000 || c.MaxFileBytes > maxUploadBytes {
		fe["max_file_bytes"] = fmt.Sprintf("must be between 1 MB and the server's limit of %s MB", MB(maxUploadBytes))
	}
	if c.MaxDurationSeconds < 1 || c.MaxDurationSeconds > 3600 {
		fe["max_duration_seconds"] = "must be between 1 and 3600 seconds"
	}
	if c.MaxEntriesPerEntrant < 1 || c.MaxEntriesPerEntrant > 100 {
		fe["max_entries_per_entrant"] = "must be between 1 and 100"
	}
	if c.MinAge < 0 || c.MinAge > 99 {
		fe["min_age"] = "must be between 0 (no age gate) and 99"
	}
	if len(c.RulesVersion) > 40 {
		fe["rules_version"] = "keep the rules version under 40 characters"
	}
	if utf8.RuneCountInString(c.RulesText) > 50000 {
		fe["rules_text"] = "keep the rules under 50000 characters"
	}
	switch c.ModerationMode {
	case "review_all", "auto_approve_clean", "auto_approve_all":
	default:
		fe["moderation_mode"] = "use review_all, auto_approve_clean or auto_approve_all"
	}
	if len(c.BlockedWords) > 1000 {
		fe["blocked_words"] = "keep the list to 1000 words or phrases"
	}
	if c.MinDurationSeconds < 0 || c.MinDurationSeconds >= c.MaxDurationSeconds {
		fe["min_duration_seconds"] = "must be below the maximum duration"
	}
	if !c.VotingOpensAt.IsZero() || !c.VotingClosesAt.IsZero() {
		switch {
		case c.VotingOpensAt.IsZero() || c.VotingClosesAt.IsZero():
			fe["voting_closes_at"] = "set both when voting opens and when it closes, or neither"
		case !c.VotingClosesAt.After(c.VotingOpensAt):
			fe["voting_closes_at"] = "voting must close after it opens"
		case c.VotingOpensAt.Before(c.EntryOpensAt):
			fe["voting_opens_at"] = "voting cannot open before entries do"
		}
	}
	if len(c.ReasonTemplates) > 50 {
		fe["reason_templates"] = "keep to 50 templates"
	}
	for _, t := range c.ReasonTemplates {
		if utf8.RuneCountInString(t) > 500 {
			fe["reason_templates"] = "keep each template under 500 characters"
		}
	}
	if utf8.RuneCountInString(c.PerksText) > 5000 {
		fe["perks_text"] = "keep the perks under 5000 characters"
	}
	if c.BrandColor != "" && !colorRE.MatchString(c.BrandColor) {
		fe["brand_color"] = "use a colour like #1a73e8"
	}
	if c.ReportThreshold < 1 || c.ReportThreshold > 1000 {
		fe["report_threshold"] = "must be between 1 and 1000 reports"
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// DefaultMediaRelease is the media release an entrant accepts when the
// campaign does not write its own.
var DefaultMediaRelease = i18n.Mark("I own this video or have permission to share it, and I allow the campaign to show it publicly in the gallery and on the brand's channels.")

// Store keeps campaigns.
type Store interface {
	Create(ctx context.Context, c Campaign) error
	Get(ctx context.Context, id string) (Campaign, error)
	GetBySlug(ctx context.Context, slug string) (Campaign, error)
	List(ctx context.Context, limit int) ([]Campaign, error)
	// Update replaces a campaign's settings; a taken slug is ErrSlugTaken.
	Update(ctx context.Context, c Campaign) error
	// SetMessages replaces the campaign's own message templates and
	// vote milestones, leaving its other settings alone.
	SetMessages(ctx context.Context, id string, lang i18n.Lang, set messages.Set, milestones []int) error
}

// Winner is an entry staff picked for a prize. Winners are public once
// picked: the winners page lists them by place.
type Winner struct {
	CampaignID string
	EntryID    string
	Place      int    // 1 for first; places may be shared
	Prize      string // what they won, as the brand words it
	By         string // staff id
	At         time.Time
}

// CheckWinner validates a pick.
func CheckWinner(w Winner) error {
	fe := FieldErrors{}
	if w.Place < 1 || w.Place > 100 {
		fe["place"] = "must be a whole number from 1 to 100"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(w.Prize)); n > 200 {
		fe["prize"] = "keep it to 200 characters"
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

// WinnerStore keeps the winners of every campaign, one per entry.
type WinnerStore interface {
	// PutWinner adds a winner or changes an entry's place and prize.
	PutWinner(ctx context.Context, w Winner) error
	RemoveWinner(ctx context.Context, campaignID, entryID string) error
	// Winners lists a campaign's winners by place.
	Winners(ctx context.Context, campaignID string) ([]Winner, error)
}

// Cached is a Store that keeps campaigns in memory for TTL, so public pages
// do not read MongoDB on every request. Updates through it take effect here
// at once; other processes see them within TTL.
type Cached struct {
	Store
	TTL time.Duration
	Now func() time.Time

	mu    sync.Mutex
	byKey map[string]cachedCampaign
}

type cachedCampaign struct {
	c       Campaign
	expires time.Time
}

// GetBySlug implements Store from the cache.
func (s *Cached) GetBySlug(ctx context.Context, slug string) (Campaign, error) {
	return s.get(ctx, "slug:"+slug, func() (Campaign, error) { return s.Store.GetBySlug(ctx, slug) })
}

// Get implements Store from the cache.
func (s *Cached) Get(ctx context.Context, id string) (Campaign, error) {
	return s.get(ctx, "id:"+id, func() (Campaign, error) { return s.Store.Get(ctx, id) })
}

func (s *Cached) get(_ context.Context, key string, load func() (Campaign, error)) (Campaign, error) {
	now := s.Now()
	s.mu.Lock()
	hit, ok := s.byKey[key]
	s.mu.Unlock()
	if ok && now.Before(hit.expires) {
		return hit.c, nil
	}
	c, err := load()
	if err != nil {
		return c, err
	}
	s.mu.Lock()
	if s.byKey == nil || len(s.byKey) > 10000 {
		s.byKey = map[string]cachedCampaign{}
	}
	s.byKey[key] = cachedCampaign{c, now.Add(s.TTL)}
	s.mu.Unlock()
	return c, nil
}

// Update implements Store and forgets the cached copy.
func (s *Cached) Update(ctx context.Context, c Campaign) error {
	s.mu.Lock()
	clear(s.byKey)
	s.mu.Unlock()
	return s.Store.Update(ctx, c)
}

// VoteRules are the campaign's voting rules, defaults filled in.
func (c Campaign) VoteRules() votes.Rules {
	r := votes.Rules{OpensAt: c.VotingOpensAt, ClosesAt: c.VotingClosesAt, Frequency: votes.Frequency(c.VoteFrequency),
		Scope: votes.Scope(c.VoteScope), PerPeriod: c.VotesPerPeriod, Identity: votes.Identity(c.VoterIdentity),
		SelfVote: c.SelfVote, HideTotals: c.HideTotals, Milestones: c.milestones()}
	r.Location, _ = Location(c.TimeZone) // a bad zone never passes Validate; UTC meanwhile
	r.ChecksOff, _ = votes.ParseChecks(c.VoteChecksOff)
	if fe := r.Validate(); len(fe) > 0 {
		return r // Validate reports it; do not hide a bad value behind a default
	}
	return r.Defaults()
}
