package worker_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/testkit"
)

// observing wraps the real runner and checks, when the ladder encode
// starts or reaches half way, what the entrant can already play.
type observing struct {
	*media.Runner
	atStart func()
	atHalf  func()
}

func (o *observing) Transcode(ctx context.Context, src string, p media.Probe, out string, progress func(int)) (media.Ladder, error) {
	if o.atStart != nil {
		o.atStart()
	}
	half := false
	return o.Runner.Transcode(ctx, src, p, out, func(pct int) {
		if pct >= 50 && !half && o.atHalf != nil {
			half = true
			o.atHalf()
		}
		progress(pct)
	})
}

// TestWebPlayableOriginalIsPlayableBeforeTheLadder: an H.264/AAC upload is
// remuxed (no re-encode) and published before the ladder encode starts;
// the copy keeps the phone's rotation and drops its location metadata.
func TestWebPlayableOriginalIsPlayableBeforeTheLadder(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	dir := t.TempDir()
	src := testkit.Video(t, dir, testkit.Clip{Seconds: 3, Width: 640, Height: 360, Audio: true, Rotate: 90})
	tagged := filepath.Join(dir, "tagged.mp4")
	testkit.FFmpeg(t, "-i", src, "-c", "copy", "-metadata", "location=+48.8584+002.2945/", "-metadata", "title=secret-location-title", tagged)
	data, _ := os.ReadFile(tagged)
	if !strings.Contains(string(data), "secret-location-title") {
		t.Fatal("fixture: the original carries no title metadata")
	}
	e := f.received(t, data)
	o := &observing{Runner: f.h.Media.(*media.Runner)}
	f.h.Media = o
	checked := false
	o.atStart = func() {
		checked = true
		got := f.get(t, e.ID)
		if got.Renditions == nil || !strings.HasSuffix(got.Renditions.FirstPlayable, "/source.mp4") || got.Renditions.Ready() {
			t.Fatalf("before the ladder: renditions %+v", got.Renditions)
		}
		local := filepath.Join(t.TempDir(), "first.mp4")
		if err := f.kit.Blobs.Download(context.Background(), f.kit.Config.S3BucketRenditions, got.Renditions.FirstPlayable, local); err != nil {
			t.Fatal(err)
		}
		p, err := o.Runner.Probe(context.Background(), local)
		if err != nil {
			t.Fatal(err)
		}
		orig, err := o.Runner.Probe(context.Background(), tagged)
		if err != nil {
			t.Fatal(err)
		}
		if p.VideoCodec != "h264" || p.AudioCodec != "aac" || orig.Rotation == 0 || p.Rotation != orig.Rotation || p.DurationSeconds < 2.5 {
			t.Errorf("first playable: %+v (original %+v)", p, orig)
		}
		b, _ := os.ReadFile(local)
		if strings.Contains(string(b), "secret-location-title") || strings.Contains(string(b), "+48.8584") {
			t.Error("first playable keeps the original's metadata (location, title)")
		}
	}
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Fatal("the ladder was never encoded")
	}
	got := f.get(t, e.ID)
	if !got.Renditions.Ready() || !strings.HasSuffix(got.Renditions.FirstPlayable, "/source.mp4") {
		t.Fatalf("after processing: %+v", got.Renditions)
	}
	assertOneOutputSet(t, f.kit, got)
}

// TestLowestRungIsPlayableBeforeTheRest: a source no browser plays as it
// is (MPEG-4 Part 2 in AVI) gets its lowest rung published while the ladder
// is still encoding.
func TestLowestRungIsPlayableBeforeTheRest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	data, _ := os.ReadFile(testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 16, Width: 1280, Height: 720, Audio: true, Container: "avi"}))
	e := f.received(t, data)
	o := &observing{Runner: f.h.Media.(*media.Runner)}
	f.h.Media = o
	ctx := context.Background()
	checked := false
	o.atHalf = func() {
		checked = true
		var got entries.Entry
		for range 120 { // the watcher publishes every half second
			if got = f.get(t, e.ID); got.Renditions != nil && got.Renditions.FirstPlayable != "" {
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
		r := got.Renditions
		if r == nil || !strings.HasSuffix(r.FirstPlayable, "/hls/v0/early.m3u8") || r.Ready() {
			t.Fatalf("half way through the ladder: %+v", r)
		}
		pl, err := f.kit.Blobs.Get(ctx, f.kit.Config.S3BucketRenditions, r.FirstPlayable, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		initSeg, segs := parsePlaylist(string(pl))
		if initSeg == "" || len(segs) == 0 || !strings.Contains(string(pl), "#EXT-X-PLAYLIST-TYPE:EVENT") {
			t.Fatalf("early playlist:\n%s", pl)
		}
		base := path.Dir(r.FirstPlayable) + "/"
		for _, name := range append([]string{initSeg}, segs...) {
			if _, err := f.kit.Blobs.Get(ctx, f.kit.Config.S3BucketRenditions, base+name, 1); err != nil {
				t.Errorf("early playlist lists %s, not published: %v", name, err)
			}
		}
		if _, err := f.kit.Blobs.Get(ctx, f.kit.Config.S3BucketRenditions, r.Prefix+"hls/master.m3u8", 1); err == nil {
			t.Error("the master playlist is published before the ladder is done")
		}
	}
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Fatal("progress never reached half way")
	}
	got := f.get(t, e.ID)
	pl, err := f.kit.Blobs.Get(ctx, f.kit.Config.S3BucketRenditions, got.Renditions.FirstPlayable, 1<<20)
	if err != nil || !strings.Contains(string(pl), "#EXT-X-ENDLIST") {
		t.Errorf("the early playlist does not end: %v\n%s", err, pl)
	}
	assertOneOutputSet(t, f.kit, got)
}

// parsePlaylist returns a media playlist's init segment and segments.
func parsePlaylist(s string) (string, []string) {
	var initSeg string
	var segs []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if uri, ok := strings.CutPrefix(line, `#EXT-X-MAP:URI="`); ok {
			initSeg, _, _ = strings.Cut(uri, `"`)
		} else if line != "" && !strings.HasPrefix(line, "#") {
			segs = append(segs, line)
		}
	}
	return initSeg, segs
}

// assertOneOutputSet checks that the renditions bucket holds, for the
// entry, exactly the files its playlists and record name: no leftovers of
// an interrupted run, nothing twice, nothing missing.
func assertOneOutputSet(t *testing.T, k *testkit.Kit, e entries.Entry) {
	t.Helper()
	ctx := context.Background()
	r := e.Renditions
	get := func(key string) string {
		b, err := k.Blobs.Get(ctx, k.Config.S3BucketRenditions, key, 1<<20)
		if err != nil {
			t.Fatalf("get %s: %v", key, err)
		}
		return string(b)
	}
	want := []string{r.Master, r.Fallback, r.Poster, r.Sprite, r.SpriteVTT, r.Preview, r.Prefix + "ladder.json", r.FirstPlayable}
	if len(r.Frames) == 0 {
		t.Error("no pictures sampled for the moderation provider")
	}
	for _, f := range r.Frames {
		want = append(want, f.Key)
	}
	_, variants := parsePlaylist(get(r.Master))
	if len(variants) != len(r.Variants) {
		t.Errorf("master lists %d variants, entry records %d", len(variants), len(r.Variants))
	}
	for _, v := range variants {
		pl := path.Dir(r.Master) + "/" + v
		initSeg, segs := parsePlaylist(get(pl))
		want = append(want, pl)
		for _, s := range append([]string{initSeg}, segs...) {
			want = append(want, path.Dir(pl)+"/"+s)
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	have, err := k.Blobs.List(ctx, k.Config.S3BucketRenditions, "entries/"+e.ID+"/")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(have)
	if !slices.Equal(have, want) {
		t.Errorf("renditions of %s:\nhave %v\nwant %v", e.ID, have, want)
	}
}
