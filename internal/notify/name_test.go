package notify

import (
	"testing"

	"github.com/tryout/tryout/internal/entrants"
)

func TestGreetingName(t *testing.T) {
	def := entrants.Entrant{Email: "maya.r1987@example.com", DisplayName: entrants.DefaultDisplayName("maya.r1987@example.com")}
	chosen := entrants.Entrant{Email: "you@example.com", DisplayName: "Maya"}
	for _, c := range []struct {
		who     entrants.Entrant
		creator []string
		want    string
	}{
		{def, []string{"Maya"}, "Maya"},            // the name typed with the entry
		{def, []string{"", " Jo "}, "Jo"},          // any entry's name, trimmed
		{def, nil, Fallback},                       // never the email's prefix
		{chosen, nil, "Maya"},                      // a name chosen for the account
		{chosen, []string{"Skater M"}, "Skater M"}, // the entry's name first
	} {
		if got := greetingName(c.who, c.creator...); got != c.want {
			t.Errorf("greetingName(%q, %q) = %q; want %q", c.who.DisplayName, c.creator, got, c.want)
		}
	}
}
