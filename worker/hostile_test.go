package worker_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/testkit"
)

// TestHostileAndOddInputs sends every hostile and odd input through the
// whole media task: each ends failed with a reason the entrant can act on,
// or processed correctly, and nothing of a file the input tried to read
// shows up in the entry, the outputs or the logs.
func TestHostileAndOddInputs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 20)
	var logs bytes.Buffer
	f.h.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	dir := t.TempDir()
	secret := "TOP-SECRET-" + filepath.Base(dir)
	secretPath := testkit.File(t, dir, "secret.txt", []byte(secret+"\n"))
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := read(testkit.Video(t, dir, testkit.Clip{Seconds: 2, Width: 320, Height: 240, Audio: true}))
	audio := filepath.Join(dir, "voice.m4a")
	testkit.FFmpeg(t, "-f", "lavfi", "-i", "sine=frequency=300", "-t", "2", "-c:a", "aac", audio)

	const unreadable = "We could not read your file as a video."
	tests := []struct {
		name       string
		data       []byte
		want       entries.Status
		wantReason string
		check      func(t *testing.T, e entries.Entry)
	}{
		{"random bytes named mp4", bytes.Repeat([]byte("\x13\x37\xbe\xef"), 4096), entries.Failed, unreadable, nil},
		{"zero bytes", nil, entries.Failed, unreadable, nil},
		{"truncated mp4", good[:len(good)/3], entries.Failed, unreadable, nil},
		{"frame header claiming 16000x16000", testkit.HugeFrameAVI(t, dir), entries.Failed, "", nil},
		{"avi carrying an hls playlist (CVE-2017-9993)", testkit.PlaylistAVI(secretPath), entries.Failed, unreadable, nil},
		{"longer than the cap", read(testkit.Video(t, dir, testkit.Clip{Seconds: 21, Width: 160, Height: 120})), entries.Failed,
			"Your video is 21 seconds long; this contest takes videos up to 20 seconds.", nil},
		{"audio only", read(audio), entries.Failed, "Your file has sound but no picture.", nil},
		{"rotated phone clip", read(testkit.Video(t, dir, testkit.Clip{Seconds: 2, Width: 640, Height: 360, Rotate: 90})), entries.InReview, "",
			func(t *testing.T, e entries.Entry) {
				if v := e.Renditions.Variants; len(v) != 1 || v[0].Width != 360 || v[0].Height != 640 {
					t.Errorf("portrait phone clip: variants %+v", v)
				}
			}},
		{"variable frame rate", read(testkit.VFRVideo(t, dir, 4)), entries.InReview, "",
			func(t *testing.T, e entries.Entry) {
				pl, err := f.kit.Blobs.Get(context.Background(), f.kit.Config.S3BucketRenditions, e.Renditions.Prefix+"hls/v0/index.m3u8", 1<<20)
				if _, segs := parsePlaylist(string(pl)); err != nil || len(segs) == 0 {
					t.Errorf("VFR rung playlist: %v\n%s", err, pl)
				}
			}},
		{"odd dimensions", read(testkit.Video(t, dir, testkit.Clip{Seconds: 1, Width: 321, Height: 241, Source: "mandelbrot", Container: "avi"})), entries.InReview, "",
			func(t *testing.T, e entries.Entry) {
				if e.Media.Width != 321 || e.Media.Height != 241 {
					t.Fatalf("fixture is not odd-sized: %+v", e.Media)
				}
				if v := e.Renditions.Variants; len(v) != 1 || v[0].Width%2 != 0 || v[0].Height%2 != 0 || v[0].Width > 321 {
					t.Errorf("odd source: variants %+v", v)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := f.received(t, tt.data)
			err := f.run(t, e)
			got := f.get(t, e.ID)
			if got.Status != tt.want || !strings.Contains(got.StatusReason, tt.wantReason) {
				t.Fatalf("entry %s %q (task error %v), want %s %q", got.Status, got.StatusReason, err, tt.want, tt.wantReason)
			}
			if tt.want == entries.Failed {
				if got.StatusReason == "" {
					t.Error("failed without a reason")
				}
				if keys, _ := f.kit.Blobs.List(context.Background(), f.kit.Config.S3BucketRenditions, "entries/"+e.ID+"/"); len(keys) != 0 {
					t.Errorf("a refused file left outputs: %v", keys)
				}
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
	// The secret file's contents are nowhere: not in any entry record, any
	// output, or the worker's logs.
	ctx := context.Background()
	cur, err := f.kit.DB.Collection(mongodb.Entries).Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []bson.Raw
	if err := cur.All(ctx, &docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if strings.Contains(d.String(), secret) {
			t.Errorf("an entry record holds the secret: %s", d)
		}
	}
	keys, _ := f.kit.Blobs.List(ctx, f.kit.Config.S3BucketRenditions, "")
	for _, k := range keys {
		b, _ := f.kit.Blobs.Get(ctx, f.kit.Config.S3BucketRenditions, k, 64<<20)
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("output %s holds the secret", k)
		}
	}
	if strings.Contains(logs.String(), secret) {
		t.Error("the worker's logs hold the secret")
	}
	if !strings.Contains(logs.String(), "entry failed") {
		t.Errorf("the logs do not record the failures:\n%s", logs.String())
	}
}
