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
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/screening"
	"github.com/tryout/tryout/internal/signing"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/worker"
)

type fixture struct {
	kit      *testkit.Kit
	h        *worker.MediaHandler
	entries  *entries.MongoStore
	campaign campaigns.Campaign
	entrant  string           // the entrant new entries belong to; "" for none
	outbox   *mail.MongoStore // set by tellEntrants
}

// tellEntrants gives the handler the real notifier over the kit's
// database (mail kept in the outbox, no SMTP) and an entrant for new entries.
func (f *fixture) tellEntrants(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	people := entrants.NewMongoStore(f.kit.DB.Collection(mongodb.Entrants), f.kit.DB.Collection(mongodb.Claims))
	who, err := people.GetOrCreate(ctx, entrants.Entrant{ID: ids.New(entrants.IDPrefix), Email: "maker@example.com", DisplayName: "Maker", CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	f.entrant = who.ID
	f.outbox = mail.NewMongoStore(f.kit.DB.Collection(mongodb.Outbox))
	f.h.Notify = &notify.Notifier{Mailer: &mail.Mailer{Store: f.outbox, Now: time.Now}, Entrants: people, Campaigns: f.h.Campaigns,
		PublicURL: "http://tryout.test", Signer: signing.New([]byte("0123456789abcdef0123456789abcdef"))}
}

func newFixture(t *testing.T, maxSeconds int) *fixture {
	t.Helper()
	k := testkit.New(t)
	r, err := media.NewRunner(media.Limits{FFprobe: "ffprobe", FFmpeg: "ffmpeg", Fpcalc: "fpcalc", Timeout: time.Minute, MemoryBytes: 1 << 30, MaxPixels: 1920 * 1080})
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
		Entries: es, Campaigns: cs, Blobs: k.Blobs, Media: r, Outputs: k.Blobs, Provider: screening.None{},
		Bucket: k.Config.S3BucketOriginals, RenditionsBucket: k.Config.S3BucketRenditions,
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
	e := entries.Entry{ID: id, CampaignID: f.campaign.ID, EntrantID: f.entrant, Title: "t", Status: entries.Received,
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
	t.Parallel()
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
	if got.Progress != 100 || got.Renditions == nil || len(got.Renditions.Variants) != 1 || got.Renditions.Variants[0].Height != 240 {
		t.Fatalf("renditions: progress %d %+v", got.Progress, got.Renditions)
	}
	ctx := context.Background()
	keys, err := f.kit.Blobs.List(ctx, f.kit.Config.S3BucketRenditions, "")
	if err != nil {
		t.Fatal(err)
	}
	have := strings.Join(keys, " ")
	for _, want := range []string{got.Renditions.Master, got.Renditions.Fallback, got.Renditions.Poster, got.Renditions.Sprite,
		got.Renditions.SpriteVTT, got.Renditions.Preview, got.Renditions.Prefix + "ladder.json"} {
		if !strings.Contains(have, want) {
			t.Errorf("renditions bucket lacks %s: %v", want, keys)
		}
	}
	if orig, _ := f.kit.Blobs.List(ctx, f.kit.Config.S3BucketOriginals, ""); len(orig) != 1 {
		t.Errorf("originals bucket: %v (outputs must not go there)", orig)
	}
	// At-least-once delivery: running the same task again changes nothing.
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	again := f.get(t, e.ID)
	if again.Status != entries.InReview || len(again.History) != len(got.History) {
		t.Errorf("second run changed the entry: %v -> %v", got.History, again.History)
	}
	after, _ := f.kit.Blobs.List(ctx, f.kit.Config.S3BucketRenditions, "")
	if len(after) != len(keys) {
		t.Errorf("second run left %d objects, first %d", len(after), len(keys))
	}
	left, _ := os.ReadDir(f.h.TempDir)
	if len(left) != 0 {
		t.Errorf("task left %d temp entries behind", len(left))
	}
}

// TestProcessFailsWithActionableReason: a video no retry can fix fails
// with a reason the entrant can act on, and the entrant is told, once,
// with that reason and the link to upload again.
func TestProcessFailsWithActionableReason(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	f.tellEntrants(t)
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
			_ = f.run(t, e) // a retried task
			var told []mail.Message
			msgs, err := f.outbox.ListByEntrant(context.Background(), f.entrant, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if m.EntryID == e.ID {
					told = append(told, m)
				}
			}
			// The message says the decision was automatic and offers a person.
			if len(told) != 1 || !strings.Contains(told[0].Subject, "needs a new video") || !strings.Contains(told[0].Text, tt.wantReason) ||
				!strings.Contains(told[0].Text, "No person has looked at it yet") || !strings.Contains(told[0].Text, "ask a person to look: http://tryout.test/e/"+e.ID+"#appeal") ||
				strings.Contains(told[0].Text, "could not process") || !strings.Contains(told[0].Text, "http://tryout.test/c/worker-test?entry="+e.ID) {
				t.Errorf("the entrant was told %d times: %+v", len(told), told)
			}
		})
	}
}

func TestProcessSkipsGoneAndStaleTasks(t *testing.T) {
	t.Parallel()
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

// counting wraps the real media runner and counts transcodes.
type counting struct {
	*media.Runner
	transcodes int
}

func (c *counting) Transcode(ctx context.Context, src string, p media.Probe, out string, progress func(int)) (media.Ladder, error) {
	c.transcodes++
	return c.Runner.Transcode(ctx, src, p, out, progress)
}

// TestRetryAfterPublishDoesNotTranscodeAgain: the worker died after
// publishing the renditions but before moving the entry on; the retried
// task finds the published set and finishes without a second encode.
func TestRetryAfterPublishDoesNotTranscodeAgain(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	c := &counting{Runner: f.h.Media.(*media.Runner)}
	f.h.Media = c
	data, _ := os.ReadFile(testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 320, Height: 240}))
	e := f.received(t, data)
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	// Put the entry back where the crash left it.
	ctx := context.Background()
	if _, err := f.kit.DB.Collection(mongodb.Entries).UpdateOne(ctx, bson.D{{Key: "_id", Value: e.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "processing"}}}}); err != nil {
		t.Fatal(err)
	}
	before, _ := f.kit.Blobs.List(ctx, f.kit.Config.S3BucketRenditions, "")
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	after, _ := f.kit.Blobs.List(ctx, f.kit.Config.S3BucketRenditions, "")
	if got := f.get(t, e.ID); got.Status != entries.InReview || c.transcodes != 1 || len(after) != len(before) {
		t.Errorf("after the retry: %s, %d transcodes, %d -> %d objects", got.Status, c.transcodes, len(before), len(after))
	}
}
