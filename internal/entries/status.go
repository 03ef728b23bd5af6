package entries

import (
	"strings"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/problem"
)

// Status is where an entry stands in its life.
type Status string

// The statuses an entry moves through. Draft and uploading are used by
// resumable uploads; the streaming upload creates entries at received.
const (
	Draft        Status = "draft"
	Uploading    Status = "uploading"
	Received     Status = "received"
	Processing   Status = "processing"
	InReview     Status = "in_review"
	Live         Status = "live"
	NeedsChanges Status = "needs_changes"
	Rejected     Status = "rejected"
	Failed       Status = "failed"
	Withdrawn    Status = "withdrawn"
	Removed      Status = "removed"
)

// transitions is every allowed move, written down once. Anything not here is
// refused with ErrIllegalTransition.
var transitions = map[Status][]Status{
	Draft:        {Uploading, Received, Withdrawn},
	Uploading:    {Received, Draft, Withdrawn},
	Received:     {Processing, Failed, Withdrawn},
	Processing:   {InReview, Live, Rejected, Failed, Withdrawn},
	InReview:     {Live, NeedsChanges, Rejected, Withdrawn},
	Live:         {InReview, Removed, Withdrawn},
	NeedsChanges: {Uploading, Received, Withdrawn},
	Failed:       {Uploading, Received, Withdrawn},
	Rejected:     {},
	Withdrawn:    {},
	Removed:      {},
}

// AllStatuses lists every status in lifecycle order.
func AllStatuses() []Status {
	return []Status{Draft, Uploading, Received, Processing, InReview, Live, NeedsChanges, Rejected, Failed, Withdrawn, Removed}
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// Final reports whether no transition leaves s.
func (s Status) Final() bool { return s.Valid() && len(transitions[s]) == 0 }

// CanTransition reports whether an entry may move from one status to another.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CheckTransition returns an error wrapping ErrIllegalTransition when the move
// is not allowed.
func CheckTransition(from, to Status) error {
	if !CanTransition(from, to) {
		return problem.New(ErrIllegalTransition, "This entry cannot do that while it is %s.", problem.Word(strings.ToLower(from.Label())))
	}
	return nil
}

// Label is the status as a person reads it.
func (s Status) Label() string {
	if l, ok := labels[s]; ok {
		return l
	}
	if s == "" {
		return i18n.Mark("Unknown")
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// labels are the statuses as people read them (catalogue keys).
var labels = map[Status]string{
	Draft: i18n.Mark("Draft"), Uploading: i18n.Mark("Uploading"), Received: i18n.Mark("Received"),
	Processing: i18n.Mark("Processing"), InReview: i18n.Mark("In review"), Live: i18n.Mark("Live"),
	NeedsChanges: i18n.Mark("Needs changes"), Rejected: i18n.Mark("Rejected"), Failed: i18n.Mark("Failed"),
	Withdrawn: i18n.Mark("Withdrawn"), Removed: i18n.Mark("Removed"),
}

// Describe is the entrant-facing meaning of a status and what to do next.
func (s Status) Describe() (meaning, next string) {
	switch s {
	case Draft:
		return i18n.Mark("Your entry is saved as a draft."), i18n.Mark("Upload your video to submit it.")
	case Uploading:
		return i18n.Mark("Your video is uploading."), i18n.Mark("Keep this page open; if the upload stops you can resume it.")
	case Received:
		return i18n.Mark("We have your video."), i18n.Mark("Nothing to do: we will process it shortly.")
	case Processing:
		return i18n.Mark("We are preparing your video."), i18n.Mark("Nothing to do: this usually takes a few minutes.")
	case InReview:
		return i18n.Mark("Your entry is waiting for review by the campaign team."), i18n.Mark("Nothing to do: you will hear from us when it is reviewed.")
	case Live:
		return i18n.Mark("Your entry is live in the gallery."), i18n.Mark("Share it with your friends.")
	case NeedsChanges:
		return i18n.Mark("The campaign team asked for changes."), i18n.Mark("Read the note, then upload a new video while the entry window is open.")
	case Rejected:
		return i18n.Mark("Your entry was not accepted."), i18n.Mark("Read the reason given.")
	case Failed:
		return i18n.Mark("We could not process your video."), i18n.Mark("Read the reason, fix the video and upload it again while the entry window is open.")
	case Withdrawn:
		return i18n.Mark("You withdrew this entry."), ""
	case Removed:
		return i18n.Mark("This entry was taken down."), i18n.Mark("Read the reason given.")
	}
	return i18n.Mark("Unknown status."), ""
}
