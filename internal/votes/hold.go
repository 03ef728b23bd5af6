package votes

import (
	"fmt"
	"strings"

	"github.com/tryout/tryout/internal/i18n"
)

// Checks is a set of the automatic cluster checks that hold a vote out of
// the public totals (provisional) until it is cleared. A campaign has
// every check on unless it switches some off (Rules.ChecksOff).
type Checks int64

// The checks. Their values are bits the gate's script reads.
const (
	// CheckNewDevices: more new voters than the limit from one address
	// (or one /24 network) within the window.
	CheckNewDevices Checks = 1 << iota
	// CheckNoPlayback: more new voters than the limit from one address
	// within the window who voted without watching a video first (device
	// churn without playback); it holds those who did not watch.
	CheckNoPlayback
	// CheckTiming: votes from one address at machine-regular intervals
	// (the same gap between votes, or the same delay after the page
	// loaded, several times in a row).
	CheckTiming
	// CheckAutomation: the browser reports automation software
	// (navigator.webdriver) or calls itself headless.
	CheckAutomation

	AllChecks = CheckNewDevices | CheckNoPlayback | CheckTiming | CheckAutomation
)

// checkNames are the checks' stable names (campaign settings, ballots, the
// admin API), in bit order.
var checkNames = []string{"new_devices", "no_playback", "regular_timing", "automation"}

// CheckNames lists every check's name.
func CheckNames() []string { return append([]string(nil), checkNames...) }

// ParseChecks reads check names; an unknown one is an error naming it.
func ParseChecks(names []string) (Checks, error) {
	var c Checks
	for _, n := range names {
		i := indexOf(checkNames, strings.TrimSpace(n))
		if i < 0 {
			return 0, fmt.Errorf("unknown check %q: want %s", n, strings.Join(checkNames, ", "))
		}
		c |= 1 << i
	}
	return c, nil
}

// Names lists the checks in c.
func (c Checks) Names() []string {
	var out []string
	for i, n := range checkNames {
		if c&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// Has reports whether c holds every check in x.
func (c Checks) Has(x Checks) bool { return c&x == x }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// CheckInfo is what the fraud review page and the campaign form say about
// a check.
type CheckInfo struct {
	Name  string
	Label string // short, for a form
	Rule  string // how it decides, for staff
	Plain string // why votes are held, in words an entrant reads
}

// Explain describes each check.
func Explain() []CheckInfo {
	return []CheckInfo{
		{"new_devices", "Many new devices on one network",
			"Holds votes from an address (or a /24 network) once more new voters than the limit have voted from it within the hour.",
			i18n.Mark("many new browsers voted from one network within an hour")},
		{"no_playback", "Devices that vote without watching",
			"Holds the votes of new voters who watched no video, once more such voters than the limit have voted from one address within the hour.",
			i18n.Mark("several browsers voted from one network without watching any video")},
		{"regular_timing", "Machine-regular timing",
			"Holds votes from an address whose votes keep the same gap between them, or the same delay after the page loaded, several times in a row.",
			i18n.Mark("votes from one network arrived at machine-regular intervals")},
		{"automation", "Automation browsers",
			"Holds votes from browsers that report automation software (navigator.webdriver) or call themselves headless.",
			i18n.Mark("the browser said it was run by automation software")},
	}
}

// Plain is why a check held votes, in an entrant's words ("" for an
// unknown name).
func Plain(name string) string {
	for _, c := range Explain() {
		if c.Name == name {
			return c.Plain
		}
	}
	return ""
}

// Held is how many of an entry's votes are held, and by which checks (a
// vote held by two checks counts under both).
type Held struct {
	Total   int64
	ByCheck map[string]int64
}
