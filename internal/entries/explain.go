package entries

import "github.com/tryout/tryout/internal/i18n"

// Explain is the entrant-facing meaning of the entry's status and what to
// do next, saying truthfully who decided: Tryout's automatic checks, or
// the campaign team.
func (e Entry) Explain() (meaning, next string) {
	auto := e.Automatic()
	code := ""
	if last, ok := e.Last(); ok {
		code = last.Code
	}
	switch {
	case e.Appealed():
		return i18n.Mark("You asked a person to look at the automatic decision. Your entry is waiting for the campaign team."),
			i18n.Mark("Nothing to do: you will hear from us when they have looked.")
	case e.Status == Rejected && auto:
		return i18n.Mark("Our automatic check did not accept your entry. No person has looked at it yet."),
			i18n.Mark("Read what the check found. If you think it got it wrong, ask a person to look.")
	case e.Status == Rejected:
		return i18n.Mark("The campaign team looked at your entry and did not accept it."), i18n.Mark("Read the reason they gave.")
	case e.Status == Failed && (code == CodeTooLong || code == CodeTooShort):
		return i18n.Mark("Your video's length does not fit this contest's rules. This was an automatic check."),
			i18n.Mark("Upload a video of the right length while the entry window is open. If you think the check got it wrong, ask a person to look.")
	case e.Status == Failed:
		return i18n.Mark("We could not process your video. This was an automatic check; no person has looked at it yet."),
			i18n.Mark("Read the reason, fix the video and upload it again while the entry window is open, or ask a person to look.")
	case e.Status == Live && auto:
		return i18n.Mark("Your entry passed the automatic checks and is live in the gallery."), i18n.Mark("Share it with your friends.")
	case e.Status == NeedsChanges:
		return i18n.Mark("The campaign team looked at your entry and asked for changes."), i18n.Mark("Read their note, then upload a new video while the entry window is open.")
	}
	return e.Status.Describe()
}

// DecidedBy says who made the decision the entry's status stands for:
// "automatic_check", "campaign_team", or "" when the status is no
// decision (still processing, waiting for review, withdrawn).
func (e Entry) DecidedBy() string {
	switch e.Status {
	case Live, Rejected, Failed, NeedsChanges, Removed:
		if e.Automatic() {
			return "automatic_check"
		}
		return "campaign_team"
	}
	return ""
}

// Notices are the automatic findings the entrant should hear about, in
// words for them: a file that plays for much less than it says.
func (e Entry) Notices() []string {
	var out []string
	for _, f := range e.Findings {
		if f.Kind == "truncated" { // screening.Truncated
			out = append(out, f.Detail)
		}
	}
	return out
}
