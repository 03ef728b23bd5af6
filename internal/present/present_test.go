package present_test

import (
	"strings"
	"testing"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/present"
	"github.com/tryout/tryout/internal/votes"
)

func TestPlayback(t *testing.T) {
	e := entries.Entry{ID: "ent_1", Renditions: &entries.Renditions{Prefix: "r/ent_1/", Poster: "r/ent_1/poster.jpg", FirstPlayable: "r/ent_1/first.mp4"}}
	if p := present.NewPlayback(e, false); p != nil {
		t.Fatalf("a ladder not yet published shows nothing to a stranger, got %+v", p)
	}
	p := present.NewPlayback(e, true)
	if p == nil || p.Ready || p.FirstPlayable != "/api/entries/ent_1/media/first.mp4" {
		t.Fatalf("the owner sees the first playable copy, got %+v", p)
	}
	e.Renditions.Master = "r/ent_1/master.m3u8"
	e.Captions = "elsewhere/captions.vtt" // outside the prefix: never a URL
	p = present.NewPlayback(e, false)
	if p == nil || !p.Ready || p.HLS != "/api/entries/ent_1/media/master.m3u8" || p.FirstPlayable != "" || p.Captions != "" {
		t.Fatalf("published ladder: got %+v", p)
	}
	if present.NewPlayback(entries.Entry{ID: "ent_2"}, true) != nil {
		t.Fatal("no renditions: want nil")
	}
}

func TestReviewView(t *testing.T) {
	if present.NewReviewView(i18n.EN, votes.Held{}) != nil {
		t.Fatal("nothing held: want nil")
	}
	v := present.NewReviewView(i18n.EN, votes.Held{Total: 1, ByCheck: map[string]int64{"automation": 1}})
	if v == nil || v.Count != 1 || len(v.Because) != 1 || v.Because[0] != votes.Plain("automation") {
		t.Fatalf("got %+v", v)
	}
	if !strings.Contains(v.Note, "automatic checks held it") || !strings.Contains(v.Note, "if the campaign team clears it") {
		t.Fatalf("note: %q", v.Note)
	}
	v = present.NewReviewView(i18n.EN, votes.Held{Total: 3, ByCheck: map[string]int64{}})
	if !strings.Contains(v.Note, "of how they were cast") || !strings.Contains(v.Note, "once the pattern stops") {
		t.Fatalf("note: %q", v.Note)
	}
}
