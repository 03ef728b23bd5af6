package media_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/screening"
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

func TestFingerprintFindsTheSameVideo(t *testing.T) {
	r := runner(t)
	dir := t.TempDir()
	make := func(name, source, size string) string {
		out := filepath.Join(dir, name)
		if err := runFixture("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", source+"=size="+size+":rate=25:duration=6",
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	fp := func(path string) []uint64 {
		p, err := r.Probe(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		h, err := r.Fingerprint(context.Background(), path, p, screening.DHash)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) < media.FingerprintFrames-1 {
			t.Fatalf("%d frame hashes", len(h))
		}
		return h
	}
	orig := fp(make("a.mp4", "testsrc2", "640x360"))
	reencoded := fp(make("b.mp4", "testsrc2", "320x180")) // the same pictures, smaller
	other := fp(make("c.mp4", "smptebars", "640x360"))
	if d := screening.Distance(orig, reencoded); d > screening.RejectDistance {
		t.Errorf("same video rescaled: distance %.1f, want <= %d", d, screening.RejectDistance)
	}
	if d := screening.Distance(orig, other); d <= screening.DuplicateDistance {
		t.Errorf("different videos: distance %.1f, want > %d", d, screening.DuplicateDistance)
	}
}
