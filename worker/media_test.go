package worker_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/worker"
)

type fixture struct {
	kit      *testkit.Kit
	h        *worker.MediaHandler
	entries  *entries.MongoStore
	campaign campaigns.Campaign
}

func newFixture(t *testing.T, maxSeconds int) *fixture {
	t.Helper()
	k := testkit.New(t)
	r, err := media.NewRunner(media.Limits{FFprobe: "ffprobe", FFmpeg: "ffmpeg", Timeout: time.Minute, MemoryBytes: 1 << 30, MaxPixels: 1920 * 1080})
	if err != nil {
		t.Fatal(err)
	}
	cs := campaigns.NewMongoStore(k.DB.Collection(mongodb.Campaigns))
	c := campaigns.Campaign{ID: ids.New(campaigns.IDPrefix), Slug: "worker-test", Name: "W", EntryOpensAt: time.Now().Add(-time.Hour),
		EntryClosesAt: time.Now().Add(time.Hour), MaxFileBytes: 100 << 20, MaxDurationSeconds: maxSeconds}
	if err := cs.Create(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	es := entries.NewMongoStore(k.DB.Collection(mongodb.Entries))
	tmp := t.TempDir()
	return &fixture{kit: k, entries: es, campaign: c, h: &worker.MediaHandler{
		Entries: es, Campaigns: cs, Blobs: k.Blobs, Media: r, Bucket: k.Config.S3BucketOriginals,
		TempDir: tmp, MaxPixels: 1920 * 1080, Now: time.Now, Log: k.Log,
	}}
}

// received stores data as an original and records a received entry for it.
func (f *fixture) received(t *testing.T, data []byte) entries.Entry {
	t.Helper()
	ctx := context.Background()
	id := ids.New(entries.IDPrefix)
	key := "campaigns/" + f.campaign.ID + "/entries/" + id + "/orig"
	if _, err := f.kit.Blobs.Put(ctx, f.kit.Config.S3BucketOriginals, key, strings.NewReader(string(data)), int64(len(data)), "video/mp4"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	e := entries.Entry{ID: id, CampaignID: f.campaign.ID, Title: "t", Status: entries.Received,
		History: []entries.StatusChange{{To: entries.Received, At: now}}, Original: entries.Object{Key: key, Size: int64(len(data))},
		CreatedAt: now, UpdatedAt: now}
	if err := f.entries.Create(ctx, e); err != nil {
		t.Fatal(err)
	}
	return e
}

func (f *fixture) run(t *testing.T, e entries.Entry) error {
	t.Helper()
	b, _ := json.Marshal(tasks.MediaProcess{EntryID: e.ID, OriginalKey: e.Original.Key})
	return f.h.ProcessTask(context.Background(), asynq.NewTask(tasks.TypeMediaProcess, b))
}

func (f *fixture) get(t *testing.T, id string) entries.Entry {
	t.Helper()
	e, err := f.entries.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestProcessMovesToReviewAndIsIdempotent(t *testing.T) {
	f := newFixture(t, 60)
	data, _ := os.ReadFile(testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 2, Width: 320, Height: 240, Audio: true}))
	e := f.received(t, data)
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	got := f.get(t, e.ID)
	if got.Status != entries.InReview || got.Media == nil || got.Media.Width != 320 || got.Media.AudioCodec != "aac" {
		t.Fatalf("after processing: %+v media %+v", got.Status, got.Media)
	}
	// At-least-once delivery: running the same task again changes nothing.
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	again := f.get(t, e.ID)
	if again.Status != entries.InReview || len(again.History) != len(got.History) {
		t.Errorf("second run changed the entry: %v -> %v", got.History, again.History)
	}
	left, _ := os.ReadDir(f.h.TempDir)
	if len(left) != 0 {
		t.Errorf("task left %d temp entries behind", len(left))
	}
}

func TestProcessFailsWithActionableReason(t *testing.T) {
	f := newFixture(t, 1)
	long, _ := os.ReadFile(testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 3, Width: 160, Height: 120}))
	big, _ := os.ReadFile(testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 0.5, Width: 2560, Height: 1440}))
	tests := []struct {
		name       string
		data       []byte
		wantReason string
	}{
		{"too long", long, "Your video is 3 seconds long; this contest takes videos up to 1 second."},
		{"too many pixels", big, "Your video is 2560x1440 pixels"},
		{"not a video", append([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomiso2"), make([]byte, 4096)...), "could not read your file as a video"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := f.received(t, tt.data)
			err := f.run(t, e)
			if !errors.Is(err, asynq.SkipRetry) {
				t.Errorf("error %v does not skip retries", err)
			}
			got := f.get(t, e.ID)
			if got.Status != entries.Failed || !strings.Contains(got.StatusReason, tt.wantReason) {
				t.Errorf("entry %s %q, want failed with %q", got.Status, got.StatusReason, tt.wantReason)
			}
		})
	}
}

func TestProcessSkipsGoneAndStaleTasks(t *testing.T) {
	f := newFixture(t, 60)
	b, _ := json.Marshal(tasks.MediaProcess{EntryID: "en_gone", OriginalKey: "k"})
	if err := f.h.ProcessTask(context.Background(), asynq.NewTask(tasks.TypeMediaProcess, b)); !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("missing entry: %v, want SkipRetry", err)
	}
	if err := f.h.ProcessTask(context.Background(), asynq.NewTask(tasks.TypeMediaProcess, []byte("{"))); !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("bad payload: %v, want SkipRetry", err)
	}
	// A task for an older upload of the entry must not touch it.
	data, _ := os.ReadFile(testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 160, Height: 120}))
	e := f.received(t, data)
	e.Original.Key = "campaigns/old-upload"
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	if got := f.get(t, e.ID); got.Status != entries.Received {
		t.Errorf("stale task moved entry to %s", got.Status)
	}
}
