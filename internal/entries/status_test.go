package entries

import (
	"errors"
	"testing"
)

// allowed is the state machine as the product brief states it, kept here
// independently of the table in status.go so a change to one is caught.
var allowed = map[[2]Status]bool{
	{Draft, Uploading}: true, {Draft, Received}: true, {Draft, Withdrawn}: true,
	{Uploading, Received}: true, {Uploading, Draft}: true, {Uploading, Withdrawn}: true,
	{Received, Processing}: true, {Received, Failed}: true, {Received, Withdrawn}: true,
	{Processing, InReview}: true, {Processing, Live}: true, {Processing, Rejected}: true, {Processing, Failed}: true, {Processing, Withdrawn}: true,
	{InReview, Live}: true, {InReview, NeedsChanges}: true, {InReview, Rejected}: true, {InReview, Withdrawn}: true,
	{Live, InReview}: true, {Live, Removed}: true, {Live, Withdrawn}: true,
	{NeedsChanges, Uploading}: true, {NeedsChanges, Received}: true, {NeedsChanges, Withdrawn}: true,
	{Failed, Uploading}: true, {Failed, Received}: true, {Failed, Withdrawn}: true,
}

func TestEveryTransition(t *testing.T) {
	for _, from := range AllStatuses() {
		for _, to := range AllStatuses() {
			want := allowed[[2]Status{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := CheckTransition(from, to)
			if want && err != nil {
				t.Errorf("CheckTransition(%s, %s) = %v, want nil", from, to, err)
			}
			if !want && !errors.Is(err, ErrIllegalTransition) {
				t.Errorf("CheckTransition(%s, %s) = %v, want ErrIllegalTransition", from, to, err)
			}
		}
	}
}

func TestFinalStatuses(t *testing.T) {
	final := map[Status]bool{Rejected: true, Withdrawn: true, Removed: true}
	for _, s := range AllStatuses() {
		if s.Final() != final[s] {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
		if m, _ := s.Describe(); m == "Unknown status." {
			t.Errorf("%s has no description", s)
		}
	}
	if Status("bogus").Valid() || CanTransition("bogus", Live) {
		t.Error("unknown status accepted")
	}
}

func TestLabels(t *testing.T) {
	for s, want := range map[Status]string{InReview: "In review", NeedsChanges: "Needs changes", Live: "Live", Failed: "Failed"} {
		if got := s.Label(); got != want {
			t.Errorf("%s.Label() = %q, want %q", s, got, want)
		}
	}
}
