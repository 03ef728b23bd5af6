package testkit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Clip describes a test video to generate with ffmpeg's synthetic sources.
type Clip struct {
	Seconds       float64
	Width, Height int
	Rate          int    // frames per second; default 25
	Audio         bool   // add a sine tone
	Container     string // mp4 (default), mov, webm, mkv, avi
	Rotate        int    // display rotation metadata in degrees (mp4/mov only)
	Source        string // lavfi video source; default testsrc2 (use another to avoid duplicate findings)
}

// Video generates a clip into dir and returns its path. It is a fixture
// maker: product code never runs ffmpeg except through package media.
func Video(t testing.TB, dir string, c Clip) string {
	t.Helper()
	if c.Rate == 0 {
		c.Rate = 25
	}
	if c.Container == "" {
		c.Container = "mp4"
	}
	if c.Source == "" {
		c.Source = "testsrc2"
	}
	out := filepath.Join(dir, fmt.Sprintf("clip-%s-%dx%d-%gs.%s", c.Source, c.Width, c.Height, c.Seconds, c.Container))
	args := []string{"-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", fmt.Sprintf("%s=size=%dx%d:rate=%d", c.Source, c.Width, c.Height, c.Rate)}
	if c.Audio {
		args = append(args, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000")
	}
	args = append(args, "-t", fmt.Sprint(c.Seconds))
	switch c.Container {
	case "webm":
		args = append(args, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k")
		if c.Audio {
			args = append(args, "-c:a", "libopus")
		}
	case "avi":
		args = append(args, "-c:v", "mpeg4", "-q:v", "5")
		if c.Audio {
			args = append(args, "-c:a", "mp3")
		}
	default:
		args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
		if c.Audio {
			args = append(args, "-c:a", "aac")
		}
	}
	if err := cached(args, out, func(dst string) error {
		if b, err := exec.Command("ffmpeg", append(args, dst)...).CombinedOutput(); err != nil {
			return fmt.Errorf("%v\n%s", err, b)
		}
		return nil
	}); err != nil {
		t.Fatalf("testkit: generate %s: %v", out, err)
	}
	if c.Rotate != 0 {
		// ffmpeg writes the display matrix only when remuxing with the tag.
		rotated := strings.TrimSuffix(out, "."+c.Container) + fmt.Sprintf("-rot%d.%s", c.Rotate, c.Container)
		b, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", out, "-c", "copy",
			"-metadata:s:v:0", fmt.Sprintf("rotate=%d", c.Rotate), rotated).CombinedOutput()
		if err != nil {
			t.Fatalf("testkit: rotate %s: %v\n%s", out, err, b)
		}
		return rotated
	}
	return out
}

// EnvFixtureDir names a directory where generated clips are kept between
// runs (scripts/test.sh sets it inside the cache): a clip is made once per
// set of ffmpeg arguments and copied into each test's directory.
const EnvFixtureDir = "TRYOUT_FIXTURE_DIR"

// cached writes to out what make writes, taking it from the fixture
// directory when a run with the same args made it before (keep: made under
// a temporary name, renamed only when complete).
func cached(args []string, out string, make func(dst string) error) error {
	dir := os.Getenv(EnvFixtureDir)
	if dir == "" {
		return make(out)
	}
	sum := sha256.Sum256([]byte(strings.Join(args, "\x00")))
	kept := filepath.Join(dir, hex.EncodeToString(sum[:12])+filepath.Ext(out))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := keep(kept, make); err != nil {
		return err
	}
	return copyFile(kept, out)
}

// FFmpeg runs the ffmpeg CLI with args (quiet, overwriting) to make a
// fixture.
func FFmpeg(t testing.TB, args ...string) {
	t.Helper()
	full := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)
	if b, err := exec.Command("ffmpeg", full...).CombinedOutput(); err != nil {
		t.Fatalf("testkit: ffmpeg %v: %v\n%s", args, err, b)
	}
}

// Image makes a small PNG (for logos and posters) and returns its path.
func Image(t testing.TB, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "image.png")
	FFmpeg(t, "-f", "lavfi", "-i", "testsrc2=size=64x32", "-frames:v", "1", out)
	return out
}

// File writes bytes to dir/name and returns the path.
func File(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// ReadFile reads a fixture file whole.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
