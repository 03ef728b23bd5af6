package mail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/signing"
)

// Transactional reports whether a kind always goes out whatever the
// recipient's preferences: sign-in links, account deletion links and
// requests to a guardian (who has no preferences with us).
func (k Kind) Transactional() bool {
	return k == KindLoginLink || k == KindAccount || k == KindGuardian
}

// CarriesCredential reports whether a message's link acts for its
// recipient (signs in, deletes the account): such messages are left out
// of the inbox and their links out of data exports.
func (k Kind) CarriesCredential() bool { return k == KindLoginLink || k == KindAccount }

// Choice is a kind of message an entrant may turn off, with how it is
// described on the preferences page.
type Choice struct {
	Kind  Kind
	Label string
}

// Choices are the kinds an entrant may turn off, in the order shown.
var Choices = []Choice{
	{KindEntryReceived, i18n.Mark("A thank-you when your entry arrives")},
	{KindDecision, i18n.Mark("Review decisions: live, changes needed, not accepted, taken down")},
	{KindMilestone, i18n.Mark("Vote milestones (10, 100, 1000 votes)")},
	{KindResults, i18n.Mark("Results: advancing to a judging round, finalist, winner, and a thank-you when the campaign closes")},
	{KindTeam, i18n.Mark("Messages written by the campaign team")},
	{KindVotesAdjusted, i18n.Mark("Changes to your vote total after a review of suspicious votes")},
}

// Prefs are an entrant's email preferences. Every message also stays in
// the in-app inbox; preferences only decide what is emailed.
type Prefs struct {
	Off    []Kind // kinds not emailed
	AllOff bool   // no email but transactional ones
}

// Allows reports whether a message of kind k may be emailed.
func (p Prefs) Allows(k Kind) bool {
	if k.Transactional() {
		return true
	}
	return !p.AllOff && !slices.Contains(p.Off, k)
}

// Label is how a kind is described to the entrant (its name when it has
// no preference).
func (k Kind) Label() string {
	for _, c := range Choices {
		if c.Kind == k {
			return c.Label
		}
	}
	return string(k)
}

// PrefsStore keeps entrants' email preferences.
type PrefsStore interface {
	MailPrefs(ctx context.Context, entrantID string) (Prefs, error)
	SetMailPrefs(ctx context.Context, entrantID string, p Prefs) error
}

// ErrUnknownKind names a kind that has no preference.
var ErrUnknownKind = errors.New("mail: no such kind of message")

// ParseKinds checks kind names from a form or request.
func ParseKinds(names []string) ([]Kind, error) {
	out := []Kind{}
	for _, n := range names {
		i := slices.IndexFunc(Choices, func(c Choice) bool { return string(c.Kind) == n })
		if i < 0 {
			return nil, fmt.Errorf("%w: %q", ErrUnknownKind, n)
		}
		if !slices.Contains(out, Choices[i].Kind) {
			out = append(out, Choices[i].Kind)
		}
	}
	return out, nil
}

// unsubscribePurpose is the signing purpose of unsubscribe links.
const unsubscribePurpose = "mail-unsubscribe"

// UnsubscribeToken makes the token of an unsubscribe link: the entrant and
// the kind of message it stops ("" for every optional kind). It does not
// expire: a link in an old email must still work.
func UnsubscribeToken(s signing.Signer, entrantID string, k Kind) string {
	return s.Sign(unsubscribePurpose, []byte(entrantID+"|"+string(k)))
}

// ErrBadUnsubscribe says an unsubscribe link was tampered with or cut.
var ErrBadUnsubscribe = errors.New("mail: invalid unsubscribe link")

// ParseUnsubscribe checks an unsubscribe token and returns what it stops.
func ParseUnsubscribe(s signing.Signer, token string) (entrantID string, k Kind, err error) {
	b, err := s.Verify(unsubscribePurpose, token)
	if err != nil {
		return "", "", ErrBadUnsubscribe
	}
	id, kind, ok := strings.Cut(string(b), "|")
	if !ok || id == "" {
		return "", "", ErrBadUnsubscribe
	}
	if kind != "" {
		if _, err := ParseKinds([]string{kind}); err != nil {
			return "", "", ErrBadUnsubscribe
		}
	}
	return id, Kind(kind), nil
}

// Unsubscribe applies an unsubscribe link to prefs: one kind off, or all.
func (p Prefs) Unsubscribe(k Kind) Prefs {
	if k == "" {
		p.AllOff = true
		return p
	}
	if !slices.Contains(p.Off, k) {
		p.Off = append(slices.Clone(p.Off), k)
	}
	return p
}
