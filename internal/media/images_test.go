package media_test

import (
	"context"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImages(t *testing.T) {
	r := runner(t)
	dir := t.TempDir()
	// Two black seconds, then the picture: the poster must not be black.
	src := filepath.Join(dir, "fade.mp4")
	if err := runFixture("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "color=black:size=640x360:rate=25:duration=2",
		"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=10", "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", src); err != nil {
		t.Fatal(err)
	}
	p, err := r.Probe(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	img, err := r.Images(context.Background(), src, p, out)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, img.Poster))
	if err != nil {
		t.Fatal(err)
	}
	poster, err := jpeg.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if b := poster.Bounds(); b.Dx() != 640 || b.Dy() != 360 {
		t.Errorf("poster is %v", b)
	}
	var sum, n uint64
	for y := 0; y < 360; y += 8 {
		for x := 0; x < 640; x += 8 {
			r, g, b, _ := poster.At(x, y).RGBA()
			sum += uint64(r+g+b) / 3 >> 8
			n++
		}
	}
	if mean := sum / n; mean < 40 {
		t.Errorf("poster mean brightness %d: a black frame was chosen", mean)
	}
	vtt, _ := os.ReadFile(filepath.Join(out, img.VTT))
	cues := strings.Count(string(vtt), " --> ")
	if !strings.HasPrefix(string(vtt), "WEBVTT") || cues != 12 || !strings.Contains(string(vtt), "sprite.jpg#xywh=160,0,160,90") {
		t.Errorf("sprite.vtt with %d cues:\n%s", cues, vtt)
	}
	sf, _ := os.Open(filepath.Join(out, img.Sprite))
	sprite, err := jpeg.Decode(sf)
	sf.Close()
	if err != nil || sprite.Bounds().Dx() != 1600 || sprite.Bounds().Dy() != 180 {
		t.Errorf("sprite %v %v, want 10x2 tiles of 160x90", sprite.Bounds(), err)
	}
	pp, err := r.Probe(context.Background(), filepath.Join(out, img.Preview))
	if err != nil || pp.Width != 320 || pp.AudioCodec != "" || pp.DurationSeconds > 3.2 {
		t.Errorf("preview = %+v, %v", pp, err)
	}
	if len(img.Frames) != 4 || img.Frames[0].At != 1.5 || img.Frames[3].At != 10.5 {
		t.Errorf("sampled frames = %+v, want 4 at 1.5, 4.5, 7.5, 10.5 s", img.Frames)
	}
	for _, fr := range img.Frames {
		if st, err := os.Stat(filepath.Join(out, fr.Name)); err != nil || st.Size() == 0 {
			t.Errorf("frame %s: %v", fr.Name, err)
		}
	}
}

// A clip shorter than a second still gets its poster, sprite and frames
// (the poster's one-frame-a-second sampling used to give none, so the
// advertised poster was a 404).
func TestImagesOfATinyClip(t *testing.T) {
	r := runner(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "tiny.mp4")
	if err := runFixture("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
		"-t", "0.4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", src); err != nil {
		t.Fatal(err)
	}
	p, err := r.Probe(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	img, err := r.Images(context.Background(), src, p, out)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{img.Poster, img.Sprite} {
		f, err := os.Open(filepath.Join(out, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := jpeg.Decode(f); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		f.Close()
	}
	if len(img.Frames) == 0 {
		t.Error("no frames sampled")
	}
	if _, err := r.Signal(context.Background(), src, p, filepath.Join(dir, "signal")); err != nil {
		t.Errorf("signal of a tiny clip: %v", err)
	}
}
