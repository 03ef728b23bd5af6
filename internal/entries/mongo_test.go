package entries_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/testkit"
)

func newStore(t *testing.T, opts ...entries.Option) *entries.MongoStore {
	k := testkit.New(t)
	return entries.NewMongoStore(k.DB.Collection(mongodb.Entries), opts...)
}

func sample(campaign string) entries.Entry {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return entries.Entry{
		ID: ids.New(entries.IDPrefix), CampaignID: campaign, Title: "Kickflip", Description: "first try",
		Status: entries.Received, History: []entries.StatusChange{{To: entries.Received, At: now}},
		Original:  entries.Object{Key: "k", Size: 10, ContentType: "video/mp4", Filename: "a.mp4"},
		CreatedAt: now, UpdatedAt: now,
	}
}

func TestCreateGetRoundTrip(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	e := sample("cp_1")
	if err := s.Create(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e, got, cmpopts.EquateApproxTime(time.Millisecond)); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if err := s.Create(ctx, e); !errors.Is(err, entries.ErrConflict) {
		t.Errorf("duplicate create = %v, want ErrConflict", err)
	}
	if _, err := s.Get(ctx, "en_missing"); !errors.Is(err, entries.ErrNotFound) {
		t.Errorf("missing = %v, want ErrNotFound", err)
	}
}

// TestTransitionIsCompareAndSet runs on both ways of writing: the atomic
// conditional update (MongoDB) and the one-writer check under a lock
// (FerretDB).
func TestTransitionIsCompareAndSet(t *testing.T) {
	for name, opts := range map[string][]entries.Option{"conditional update": nil, "one writer": {entries.OneWriter()}} {
		t.Run(name, func(t *testing.T) { testCompareAndSet(t, newStore(t, opts...)) })
	}
}

func testCompareAndSet(t *testing.T, s *entries.MongoStore) {
	ctx := context.Background()
	e := sample("cp_1")
	if err := s.Create(ctx, e); err != nil {
		t.Fatal(err)
	}
	// Many workers race to start processing the same entry: exactly one wins.
	const racers = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := entries.Move(ctx, s, e, entries.Processing, "", time.Now())
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, entries.ErrConflict):
				conflicts++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != racers-1 {
		t.Errorf("wins=%d conflicts=%d, want 1 and %d", wins, conflicts, racers-1)
	}
	got, _ := s.Get(ctx, e.ID)
	if got.Status != entries.Processing || len(got.History) != 2 {
		t.Errorf("after race: %s with %d history items", got.Status, len(got.History))
	}

	if _, err := entries.Move(ctx, s, got, entries.Draft, "", time.Now()); !errors.Is(err, entries.ErrIllegalTransition) {
		t.Errorf("processing -> draft = %v, want ErrIllegalTransition", err)
	}
	failed, err := entries.Move(ctx, s, got, entries.Failed, "too long", time.Now())
	if err != nil || failed.StatusReason != "too long" || failed.History[2].Reason != "too long" {
		t.Errorf("to failed: %+v, %v", failed, err)
	}
	if _, err := s.Transition(ctx, "en_missing", entries.Received, entries.Processing, "", time.Now()); !errors.Is(err, entries.ErrNotFound) {
		t.Errorf("missing entry transition = %v, want ErrNotFound", err)
	}
	// The optimistic lock: a change made on an older version is refused.
	upload, err := entries.Move(ctx, s, failed, entries.Uploading, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	title, other := "Renamed", "Renamed again"
	got, err = entries.Update(ctx, s, upload, entries.Change{Title: &title, IfUpdatedAt: upload.UpdatedAt, At: upload.UpdatedAt.Add(time.Second)})
	if err != nil || got.Title != title {
		t.Fatalf("change on the current version: %q %v", got.Title, err)
	}
	if _, err := entries.Update(ctx, s, upload, entries.Change{Title: &other, IfUpdatedAt: upload.UpdatedAt, At: time.Now()}); !errors.Is(err, entries.ErrConflict) {
		t.Errorf("change on a stale version = %v, want ErrConflict", err)
	}
	if got, _ := s.Get(ctx, e.ID); got.Title != title {
		t.Errorf("a refused change was written: %q", got.Title)
	}
}

func TestListByCampaignNewestFirst(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	var made []string
	for i := range 3 {
		e := sample("cp_list")
		e.CreatedAt = e.CreatedAt.Add(time.Duration(i) * time.Second)
		made = append(made, e.ID)
		if err := s.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Create(ctx, sample("cp_other")); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListByCampaign(ctx, "cp_list", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.ID)
	}
	if diff := cmp.Diff([]string{made[2], made[1], made[0]}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if err := s.Delete(ctx, made[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, made[0]); !errors.Is(err, entries.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}
