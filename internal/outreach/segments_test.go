package outreach_test

import (
	"slices"
	"testing"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/outreach"
)

func TestSelect(t *testing.T) {
	mk := func(id, who string, s entries.Status, votes int64, uploaded bool) entries.Entry {
		e := entries.Entry{ID: id, EntrantID: who, Status: s, Votes: votes}
		if uploaded {
			e.Original.Key = "k/" + id
		}
		return e
	}
	list := []entries.Entry{
		mk("e1", "ann", entries.Live, 50, true),
		mk("e2", "ann", entries.Rejected, 0, true),
		mk("e3", "bob", entries.Live, 90, true),
		mk("e4", "cat", entries.NeedsChanges, 0, true),
		mk("e5", "dan", entries.Draft, 0, false),
		mk("e6", "eve", entries.Live, 10, true),
		mk("e7", "", entries.Live, 999, true), // before sign-in existed: nobody to tell
		mk("e8", "fay", entries.Withdrawn, 0, false),
	}
	list[5].Finalist = true
	list[5].Consents = []entries.Consent{{Kind: "marketing", Accepted: true}}
	list[2].Consents = []entries.Consent{{Kind: "marketing", Accepted: false}}
	winners := map[string]bool{"e3": true}
	who := func(rs []outreach.Recipient) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.EntrantID+":"+r.Entry.ID)
		}
		return out
	}
	for _, tc := range []struct {
		seg  outreach.Segment
		want []string
	}{
		{outreach.Segment{Kind: outreach.All}, []string{"ann:e1", "bob:e3", "cat:e4", "dan:e5", "eve:e6", "fay:e8"}},
		{outreach.Segment{Kind: outreach.Live}, []string{"ann:e1", "bob:e3", "eve:e6"}},
		{outreach.Segment{Kind: outreach.Rejected}, []string{"ann:e1"}}, // about their best entry
		{outreach.Segment{Kind: outreach.NeedsChanges}, []string{"cat:e4"}},
		{outreach.Segment{Kind: outreach.Finalists}, []string{"eve:e6"}},
		{outreach.Segment{Kind: outreach.Winners}, []string{"bob:e3"}},
		{outreach.Segment{Kind: outreach.NonWinners}, []string{"ann:e1", "cat:e4", "eve:e6"}},
		{outreach.Segment{Kind: outreach.Results}, []string{"ann:e1", "bob:e3", "cat:e4", "eve:e6"}},
		{outreach.Segment{Kind: outreach.NeverUploaded}, []string{"dan:e5"}},
		{outreach.Segment{Kind: outreach.Marketing}, []string{"eve:e6"}},
		{outreach.Segment{Kind: outreach.Top, TopN: 2}, []string{"bob:e3", "ann:e1"}},
		{outreach.Segment{Kind: outreach.One, EntrantID: "cat"}, []string{"cat:e4"}},
		{outreach.Segment{Kind: outreach.One, EntrantID: "nobody"}, []string{}},
	} {
		if err := tc.seg.Validate(); err != nil {
			t.Errorf("%+v: %v", tc.seg, err)
		}
		if got := who(outreach.Select(tc.seg, list, winners)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.seg.Label(), got, tc.want)
		}
	}
	for _, bad := range []outreach.Segment{{Kind: "everyone"}, {Kind: outreach.Top}, {Kind: outreach.Top, TopN: outreach.MaxTop + 1}, {Kind: outreach.One}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
