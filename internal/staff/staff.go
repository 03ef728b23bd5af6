// Package staff holds campaign staff accounts, their roles, and password
// checks.
package staff

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound       = errors.New("staff user not found")
	ErrEmailTaken     = errors.New("staff email already taken")
	ErrBadCredentials = errors.New("wrong email or password")
	ErrInvalid        = errors.New("invalid staff user")
)

// Role is what a staff member may do.
type Role string

// The four staff roles.
const (
	Owner     Role = "owner"
	Moderator Role = "moderator"
	Judge     Role = "judge"
	Analyst   Role = "analyst"
)

// Can reports whether the role may take an action. Every staff route
// names its action; this table is the whole role matrix.
func (r Role) Can(a Action) bool {
	switch a {
	case ViewConsole:
		return r == Owner || r == Moderator || r == Judge || r == Analyst
	case ManageCampaigns, ViewAudit, ViewOutbox, ManageJudging, HandleDataRequests, ExportPersonal, ManageWebhooks:
		return r == Owner
	case ViewAnalytics, ExportAggregates:
		return r == Owner || r == Analyst
	case Moderate, ViewEntrants, ReviewVotes, MessageEntrants:
		return r == Owner || r == Moderator
	case WatchEntries:
		return r == Owner || r == Moderator || r == Judge
	case ScoreEntries:
		return r == Judge
	case ViewResults:
		return r == Owner || r == Analyst
	}
	return false
}

// Action is something a staff member does in the console.
type Action string

// The console's actions.
const (
	ViewConsole     Action = "view_console"     // dashboard, campaign list
	ManageCampaigns Action = "manage_campaigns" // create and edit campaigns
	Moderate        Action = "moderate"         // the queue, decisions, reports, takedowns
	WatchEntries    Action = "watch_entries"    // open an entry and its video
	ViewEntrants    Action = "view_entrants"    // entrant search and history
	ViewAudit       Action = "view_audit"
	ViewOutbox      Action = "view_outbox"
	ReviewVotes     Action = "review_votes"     // fraud review: see vote clusters, discount and restore ballots
	MessageEntrants Action = "message_entrants" // write to one entrant or a segment, read replies
	ManageJudging   Action = "manage_judging"   // rubric, rounds and cuts, judges, draws
	ScoreEntries    Action = "score_entries"    // score the entries of an assigned round, declare conflicts
	ViewResults     Action = "view_results"     // a round's ranking with its breakdown, the scores CSV
	// HandleDataRequests: export or delete an entrant's data on their
	// request, and see retention runs.
	HandleDataRequests Action = "data_requests"
	ViewAnalytics      Action = "view_analytics" // a campaign's funnel, series, sources, top entries, vote integrity
	// ExportAggregates downloads CSVs without personal data: the daily
	// funnel and the entries' public facts and figures.
	ExportAggregates Action = "export_aggregates"
	// ExportPersonal downloads CSVs with personal data: entrants and their
	// consents, ballots, messages.
	ExportPersonal Action = "export_personal"
	ManageWebhooks Action = "manage_webhooks" // endpoints, secrets, delivery log, replay
)

// ParseRole accepts one of the four role names.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case Owner, Moderator, Judge, Analyst:
		return r, nil
	}
	return "", fmt.Errorf("%w: role %q is not owner, moderator, judge or analyst", ErrInvalid, s)
}

// IDPrefix starts every staff id.
const IDPrefix = "st_"

// User is one staff account.
type User struct {
	ID           string
	Email        string
	Name         string
	Role         Role
	PasswordHash []byte
	CreatedAt    time.Time
}

// Store keeps staff accounts.
type Store interface {
	Create(ctx context.Context, u User) error
	GetByEmail(ctx context.Context, email string) (User, error)
	Get(ctx context.Context, id string) (User, error)
	Count(ctx context.Context) (int64, error)
}

// DefaultCost is the bcrypt work factor for password hashes.
const DefaultCost = 12

// NewUser validates the fields and hashes the password at DefaultCost.
func NewUser(id, email, name string, role Role, password string, now time.Time) (User, error) {
	return NewUserWithCost(id, email, name, role, password, now, DefaultCost)
}

// NewUserWithCost is NewUser with another bcrypt work factor. Tests use
// bcrypt.MinCost: a sign-in then costs microseconds instead of a quarter
// of a second of CPU (most of the end-to-end tests' CPU was bcrypt). A
// stored hash carries its cost, so checking a password needs no setting.
func NewUserWithCost(id, email, name string, role Role, password string, now time.Time, cost int) (User, error) {
	email = NormalizeEmail(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return User{}, fmt.Errorf("%w: %q is not an email address", ErrInvalid, email)
	}
	if len(password) < 12 {
		return User{}, fmt.Errorf("%w: password must be at least 12 characters", ErrInvalid)
	}
	if len(password) > 72 {
		return User{}, fmt.Errorf("%w: password must be at most 72 bytes", ErrInvalid)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return User{}, fmt.Errorf("staff: hash: %w", err)
	}
	return User{ID: id, Email: email, Name: strings.TrimSpace(name), Role: role, PasswordHash: hash, CreatedAt: now}, nil
}

// NormalizeEmail lowercases and trims an address for lookups.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Authenticate checks an email and password. Unknown emails cost the same
// bcrypt work as known ones so timing does not reveal which exist.
func Authenticate(ctx context.Context, s Store, email, password string) (User, error) {
	u, err := s.GetByEmail(ctx, NormalizeEmail(email))
	if errors.Is(err, ErrNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(password)) != nil {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a real password"), DefaultCost)

// GeneratePassword returns a random 24-character password.
func GeneratePassword() string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
