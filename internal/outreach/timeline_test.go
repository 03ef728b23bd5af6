package outreach_test

import (
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/outreach"
)

func TestTimeline(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	list := []entries.Entry{{ID: "e1", Title: "Jump", History: []entries.StatusChange{
		{To: entries.Received, At: t0}, {To: entries.Processing, At: t0}, {To: entries.Live, At: t0.Add(time.Hour)}}}}
	msgs := []mail.Message{
		{ID: "m1", Kind: mail.KindDecision, Subject: "Live!", CreatedAt: t0.Add(time.Hour + time.Second)},
		{ID: "m0", Kind: mail.KindLoginLink, Subject: "Your sign-in link", CreatedAt: t0.Add(2 * time.Hour)},
	}
	replies := []outreach.Reply{{ID: "r1", MessageID: "m1", Text: "Thanks!", At: t0.Add(3 * time.Hour)}}
	var got []string
	for _, ev := range outreach.Timeline(list, msgs, replies) {
		got = append(got, ev.Kind+":"+ev.Title)
	}
	want := []string{"reply:Reply", "message:Live!", "status:“Jump”: Live", "status:“Jump”: Processing", "status:“Jump”: Received"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q (sign-in links are left out)", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}
