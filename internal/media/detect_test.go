package media_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/media"
)

func TestDetect(t *testing.T) {
	r := runner(t)
	src := filepath.Join(t.TempDir(), "mixed.mp4")
	err := runFixture("ffmpeg", "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "color=black:size=320x240:rate=25:duration=2",
		"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3",
		"-f", "lavfi", "-i", "color=0x3366cc:size=320x240:rate=25:duration=3",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=4",
		"-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono:d=4",
		"-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1[v];[3:a][4:a]concat=n=2:v=0:a=1[a]",
		"-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", src)
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Probe(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	d, err := r.Detect(context.Background(), src, p)
	if err != nil {
		t.Fatal(err)
	}
	near := func(got, want float64) bool { return got > want-0.5 && got < want+0.5 }
	if len(d.Black) != 1 || !near(d.Black[0].Start, 0) || !near(d.Black[0].End, 2) {
		t.Errorf("black = %+v, want 0-2 s", d.Black)
	}
	if len(d.Frozen) == 0 || !near(d.Frozen[len(d.Frozen)-1].Start, 5) || !near(d.Frozen[len(d.Frozen)-1].End, 8) {
		t.Errorf("frozen = %+v, want one ending 5-8 s", d.Frozen)
	}
	if len(d.Silent) != 1 || !near(d.Silent[0].Start, 4) || !near(d.Silent[0].End, 8) {
		t.Errorf("silent = %+v, want 4-8 s", d.Silent)
	}
}

// Signal decodes once: the sampled centre crops at the steady rate, the
// sound's fingerprint, the decoded hashes (the same for a remux, not for a
// re-encode) and how long the decode really lasted (short for a file cut
// in half that still declares its full length).
func TestSignal(t *testing.T) {
	r, err := media.NewRunner(media.Limits{FFprobe: "ffprobe", FFmpeg: "ffmpeg", Fpcalc: "fpcalc", Timeout: time.Minute, MemoryBytes: 1 << 30, MaxPixels: 4096 * 2160})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "a.mp4")
	if err := runFixture("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=8",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=8", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
		"-movflags", "+faststart", src); err != nil {
		t.Fatal(err)
	}
	remux, reenc := filepath.Join(dir, "b.mkv"), filepath.Join(dir, "c.mp4")
	if err := runFixture("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", src, "-c", "copy", remux); err != nil {
		t.Fatal(err)
	}
	if err := runFixture("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", src, "-c:v", "libx264", "-crf", "35", "-preset", "ultrafast", "-c:a", "copy", reenc); err != nil {
		t.Fatal(err)
	}
	signal := func(path string) media.Signal {
		p, err := r.Probe(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := r.Signal(context.Background(), path, p, filepath.Join(dir, "work-"+filepath.Base(path)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := signal(src)
	if n := len(a.Centres[0]); n < 31 || n > 33 || a.Rate != media.SignalRate || len(a.Centres[0][0]) != media.CentreSide*media.CentreSide {
		t.Errorf("%d samples at %v a second", n, a.Rate)
	}
	if len(a.Audio) < 40 || a.AudioRate < 8 || a.VideoHash == "" || a.AudioHash == "" || a.DecodedSeconds < 7.9 {
		t.Errorf("audio %d items at %v, hashes %q %q, decoded %.2f s", len(a.Audio), a.AudioRate, a.VideoHash, a.AudioHash, a.DecodedSeconds)
	}
	if b := signal(remux); b.VideoHash != a.VideoHash {
		t.Errorf("a remux decodes to other pictures: %s vs %s", b.VideoHash, a.VideoHash)
	}
	if c := signal(reenc); c.VideoHash == a.VideoHash {
		t.Error("a re-encode has the same decoded hash")
	}
	b, _ := os.ReadFile(src)
	cut := filepath.Join(dir, "cut.mp4")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := r.Probe(context.Background(), cut)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Signal(context.Background(), cut, p, filepath.Join(dir, "work-cut"))
	if err != nil {
		t.Fatal(err)
	}
	if p.DurationSeconds < 7.9 || s.DecodedSeconds > 6 || s.DecodedSeconds < 1 {
		t.Errorf("cut file: declared %.2f s, decoded %.2f s", p.DurationSeconds, s.DecodedSeconds)
	}
}
