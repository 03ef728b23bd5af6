package notify

import (
	"strings"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/i18n"
)

// Fallback is what a message calls an entrant who gave no name ("Hi
// there,"): never their email address.
const Fallback = "there"

// greetingName is the {{name}} of a message: the name the entrant typed
// with this entry (as fans see it), else a name they chose for their
// account, else Fallback. The account's default name, the part of the
// email before the @, is never used: "maya.r1987" is not how anyone
// wants to be greeted.
func greetingName(who entrants.Entrant, creatorNames ...string) string {
	for _, n := range creatorNames {
		if n = strings.TrimSpace(n); n != "" {
			return n
		}
	}
	if n := strings.TrimSpace(who.DisplayName); n != "" && n != entrants.DefaultDisplayName(who.Email) {
		return n
	}
	return Fallback
}

// greetingIn is greetingName with the fallback in l ("there" in English).
func greetingIn(l i18n.Lang, who entrants.Entrant, creatorNames ...string) string {
	if n := greetingName(who, creatorNames...); n != Fallback {
		return n
	}
	return l.T("there")
}
