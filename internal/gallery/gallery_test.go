package gallery_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/testkit"
)

func TestPermutationIsABijectionStablePerSeed(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 7, 16, 17, 100, 1000, 4097} {
		p := gallery.NewPermutation(n, 42)
		seen := make([]bool, n)
		for i := range n {
			j := p.Index(i)
			if j >= n || seen[j] {
				t.Fatalf("n=%d: position %d maps to %d (out of range or repeated)", n, i, j)
			}
			seen[j] = true
			if again := gallery.NewPermutation(n, 42).Index(i); again != j {
				t.Fatalf("n=%d: same seed gave %d then %d", n, j, again)
			}
		}
	}
	a, b := gallery.NewPermutation(1000, 1), gallery.NewPermutation(1000, 2)
	same := 0
	for i := range uint64(1000) {
		if a.Index(i) == b.Index(i) {
			same++
		}
	}
	if same > 20 { // about 1 expected by chance
		t.Errorf("seeds 1 and 2 agree on %d of 1000 positions: not shuffled", same)
	}
}

// TestShuffleIsFairAcrossSeeds checks that, over many visitors, every entry
// gets about the same number of turns in first place and on the first page
// (a chi-square test with a generous bound).
func TestShuffleIsFairAcrossSeeds(t *testing.T) {
	const n, seeds, page = 50, 20000, 10
	first := make([]float64, n)
	onPage := make([]float64, n)
	for s := range uint64(seeds) {
		p := gallery.NewPermutation(n, s*7919+1)
		first[p.Index(0)]++
		for i := range uint64(page) {
			onPage[p.Index(i)]++
		}
	}
	// 49 degrees of freedom: the 99.9th percentile is about 86.
	if x := chiSquare(first, seeds/float64(n)); x > 86 {
		t.Errorf("first place is not fair: chi-square %.1f over %d entries: %v", x, n, first)
	}
	if x := chiSquare(onPage, seeds*page/float64(n)); x > 86*float64(page) {
		t.Errorf("first page is not fair: chi-square %.1f", x)
	}
	// A constant order would put all first places on one entry.
	if slices.Max(first) > 2*seeds/float64(n) {
		t.Errorf("one entry took first place %v times of %d", slices.Max(first), seeds)
	}
}

func chiSquare(observed []float64, expected float64) float64 {
	x := 0.0
	for _, o := range observed {
		x += (o - expected) * (o - expected) / expected
	}
	return x
}

func TestWords(t *testing.T) {
	got := gallery.Words("Skate  DAY! skate-park", "Zoë 2026")
	want := []string{"skate", "day", "park", "zoë", "2026"}
	if !slices.Equal(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
}

// seed puts n cards in a campaign: entry i went live at minute i and has
// (i*7)%n votes, so newest and top orders differ.
func seed(t *testing.T, x *gallery.Index, campaign string, n int) []gallery.Card {
	t.Helper()
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	var cards []gallery.Card
	for i := range n {
		c := gallery.Card{
			ID: fmt.Sprintf("en_%04d", i), CampaignID: campaign, Title: fmt.Sprintf("Clip %d", i),
			CreatorName: []string{"Ana Lima", "Bo Chen", "Cy Dube"}[i%3], Poster: "/api/entries/x/media/poster.jpg",
			LiveAt: base.Add(time.Duration(i) * time.Minute), Votes: int64((i * 7) % n), DurationSeconds: 12.5,
		}
		if err := x.Put(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		cards = append(cards, c)
	}
	return cards
}

// all pages through a query to the end, bounded.
func all(t *testing.T, x *gallery.Index, q gallery.Query) []string {
	t.Helper()
	var ids []string
	for range 100 {
		p, err := x.Page(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Cards {
			ids = append(ids, c.ID)
		}
		if p.Next == "" {
			return ids
		}
		q.Cursor = p.Next
	}
	t.Fatal("more than 100 pages")
	return nil
}

func TestOrdersAndPagination(t *testing.T) {
	k := testkit.New(t)
	x := &gallery.Index{Redis: k.Redis}
	cards := seed(t, x, "cp_a", 23)
	seed(t, x, "cp_other", 3) // another campaign never shows up

	newest := all(t, x, gallery.Query{CampaignID: "cp_a", Order: gallery.Newest, Limit: 5})
	if len(newest) != 23 || newest[0] != "en_0022" || newest[22] != "en_0000" {
		t.Fatalf("newest = %v", newest)
	}
	for i := 1; i < len(newest); i++ {
		if newest[i] >= newest[i-1] {
			t.Fatalf("newest out of order at %d: %v", i, newest)
		}
	}
	top := all(t, x, gallery.Query{CampaignID: "cp_a", Order: gallery.Top, Limit: 4})
	byID := map[string]gallery.Card{}
	for _, c := range cards {
		byID[c.ID] = c
	}
	if len(top) != 23 {
		t.Fatalf("top has %d entries", len(top))
	}
	for i := 1; i < len(top); i++ {
		if byID[top[i]].Votes > byID[top[i-1]].Votes {
			t.Fatalf("top out of order at %d: %s has %d votes after %s with %d", i, top[i], byID[top[i]].Votes, top[i-1], byID[top[i-1]].Votes)
		}
	}
	shuffled := all(t, x, gallery.Query{CampaignID: "cp_a", Order: gallery.Shuffle, Seed: 99, Limit: 6})
	if len(shuffled) != 23 || slices.Equal(shuffled, newest) {
		t.Fatalf("shuffle = %v", shuffled)
	}
	if again := all(t, x, gallery.Query{CampaignID: "cp_a", Order: gallery.Shuffle, Seed: 99, Limit: 10}); !slices.Equal(again, shuffled) {
		t.Errorf("the same seed with another page size gave another order:\n%v\n%v", shuffled, again)
	}
	if other := all(t, x, gallery.Query{CampaignID: "cp_a", Order: gallery.Shuffle, Seed: 100, Limit: 6}); slices.Equal(other, shuffled) {
		t.Error("another seed gave the same order")
	}
	for _, order := range [][]string{top, shuffled} {
		s := slices.Clone(order)
		slices.Sort(s)
		if !slices.Equal(s, slices.Sorted(slices.Values(newest))) {
			t.Errorf("an order lost or repeated entries: %v", order)
		}
	}

	// A cursor page stays put while newer entries go live.
	p1, _ := x.Page(context.Background(), gallery.Query{CampaignID: "cp_a", Order: gallery.Newest, Limit: 5})
	late := gallery.Card{ID: "en_9999", CampaignID: "cp_a", Title: "Late", LiveAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := x.Put(context.Background(), late); err != nil {
		t.Fatal(err)
	}
	p2, _ := x.Page(context.Background(), gallery.Query{CampaignID: "cp_a", Order: gallery.Newest, Limit: 5, Cursor: p1.Next})
	if p2.Cards[0].ID != "en_0017" || p2.Total != 24 {
		t.Errorf("second page starts at %s (total %d), want en_0017 (24)", p2.Cards[0].ID, p2.Total)
	}

	// Entries sharing a live-at time are neither lost nor repeated.
	for i := range 7 {
		c := gallery.Card{ID: fmt.Sprintf("en_tie%d", i), CampaignID: "cp_tie", Title: "Tie", LiveAt: late.LiveAt}
		if err := x.Put(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	if ties := all(t, x, gallery.Query{CampaignID: "cp_tie", Order: gallery.Newest, Limit: 3}); len(ties) != 7 || ties[0] != "en_tie6" || ties[6] != "en_tie0" {
		t.Errorf("ties paged as %v", ties)
	}

	for _, bad := range []string{"x", "-1", "12", "abc_en_1"} {
		order := gallery.Top
		if bad == "12" || bad == "abc_en_1" {
			order = gallery.Newest
		}
		if _, err := x.Page(context.Background(), gallery.Query{CampaignID: "cp_a", Order: order, Cursor: bad}); err != gallery.ErrBadCursor {
			t.Errorf("cursor %q for %s: err = %v, want ErrBadCursor", bad, order, err)
		}
	}
}

func TestSearchUpdateRemoveAndCounters(t *testing.T) {
	k := testkit.New(t)
	x := &gallery.Index{Redis: k.Redis}
	ctx := context.Background()
	seed(t, x, "cp_a", 9)

	search := func(q string) []string {
		return all(t, x, gallery.Query{CampaignID: "cp_a", Search: q, Limit: 2})
	}
	if got := search("bo"); !slices.Equal(got, []string{"en_0007", "en_0004", "en_0001"}) {
		t.Errorf("search bo = %v", got)
	}
	if got := search("CLIP 4"); !slices.Equal(got, []string{"en_0004"}) {
		t.Errorf("search 'CLIP 4' = %v", got)
	}
	if got := search("nobody"); len(got) != 0 {
		t.Errorf("search nobody = %v", got)
	}

	// A retitled entry is found by its new title only.
	c, ok, err := x.Card(ctx, "en_0004")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	c.Title = "Sunset ride"
	if err := x.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got := search("clip 4"); len(got) != 0 {
		t.Errorf("old title still found: %v", got)
	}
	if got := search("sun"); !slices.Equal(got, []string{"en_0004"}) {
		t.Errorf("search sun = %v", got)
	}

	// Counters move the card and the top order; a removed entry takes no
	// counts and leaves nothing behind.
	if err := x.AddVotes(ctx, "cp_a", "en_0000", 100); err != nil {
		t.Fatal(err)
	}
	if err := x.AddViews(ctx, "en_0000", 3); err != nil {
		t.Fatal(err)
	}
	p, _ := x.Page(ctx, gallery.Query{CampaignID: "cp_a", Order: gallery.Top, Limit: 1})
	if p.Cards[0].ID != "en_0000" || p.Cards[0].Votes != 100 || p.Cards[0].Views != 3 {
		t.Errorf("top after votes: %+v", p.Cards)
	}
	if err := x.Remove(ctx, "cp_a", "en_0004"); err != nil {
		t.Fatal(err)
	}
	if err := x.AddViews(ctx, "en_0004", 1); err != nil {
		t.Fatal(err)
	}
	if n := k.Redis.Exists(ctx, "gallery:card:en_0004").Val(); n != 0 {
		t.Error("a view recreated the removed card")
	}
	if got := search("sun"); len(got) != 0 {
		t.Errorf("removed entry still found: %v", got)
	}
	if got := all(t, x, gallery.Query{CampaignID: "cp_a", Order: gallery.Shuffle, Seed: 1}); len(got) != 8 || slices.Contains(got, "en_0004") {
		t.Errorf("after removal the shuffle is %v", got)
	}
}

func TestRebuildReplacesTheReadModel(t *testing.T) {
	k := testkit.New(t)
	x := &gallery.Index{Redis: k.Redis}
	ctx := context.Background()
	cards := seed(t, x, "cp_a", 6)
	// The truth is now: entries 0..3 live (2 retitled), 4 and 5 gone.
	truth := slices.Clone(cards[:4])
	truth[2].Title = "Renamed"
	n, err := x.Rebuild(ctx, "cp_a", func(yield func(gallery.Card) error) error {
		for _, c := range truth {
			if err := yield(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != 4 {
		t.Fatalf("rebuild: %d, %v", n, err)
	}
	if got := all(t, x, gallery.Query{CampaignID: "cp_a", Order: gallery.Newest}); !slices.Equal(got, []string{"en_0003", "en_0002", "en_0001", "en_0000"}) {
		t.Errorf("after rebuild newest = %v", got)
	}
	if k.Redis.Exists(ctx, "gallery:card:en_0005").Val() != 0 {
		t.Error("card of an entry no longer live survived the rebuild")
	}
	if got := all(t, x, gallery.Query{CampaignID: "cp_a", Search: "renamed"}); !slices.Equal(got, []string{"en_0002"}) {
		t.Errorf("search after rebuild = %v", got)
	}
	// After Redis loses everything, a rebuild brings the same gallery back.
	k.Redis.FlushDB(ctx)
	if _, err := x.Rebuild(ctx, "cp_a", func(yield func(gallery.Card) error) error {
		for _, c := range truth {
			_ = yield(c)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if p, _ := x.Page(ctx, gallery.Query{CampaignID: "cp_a", Order: gallery.Top}); len(p.Cards) != 4 || p.Total != 4 {
		t.Errorf("after flush and rebuild: %d cards, total %d", len(p.Cards), p.Total)
	}
	// An empty campaign empties the gallery.
	if n, err := x.Rebuild(ctx, "cp_a", func(func(gallery.Card) error) error { return nil }); err != nil || n != 0 {
		t.Fatal(n, err)
	}
	if p, _ := x.Page(ctx, gallery.Query{CampaignID: "cp_a"}); len(p.Cards) != 0 || p.Total != 0 {
		t.Errorf("empty rebuild left %d cards", len(p.Cards))
	}
}
