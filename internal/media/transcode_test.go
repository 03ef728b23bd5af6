package media_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tryout/tryout/internal/testkit"
)

type variant struct {
	bandwidth  int
	resolution string
	codecs     string
	uri        string
}

// parseMaster reads a master playlist's variants.
func parseMaster(t *testing.T, path string) []variant {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "#EXTM3U" {
		t.Fatalf("master playlist does not start with #EXTM3U: %q", lines[0])
	}
	var out []variant
	for i, l := range lines {
		attrs, ok := strings.CutPrefix(l, "#EXT-X-STREAM-INF:")
		if !ok {
			continue
		}
		v := variant{uri: strings.TrimSpace(lines[i+1])}
		for _, kv := range splitAttrs(attrs) {
			k, val, _ := strings.Cut(kv, "=")
			switch k {
			case "BANDWIDTH":
				v.bandwidth, _ = strconv.Atoi(val)
			case "RESOLUTION":
				v.resolution = val
			case "CODECS":
				v.codecs = strings.Trim(val, `"`)
			}
		}
		out = append(out, v)
	}
	return out
}

// splitAttrs splits an attribute list on commas outside quotes.
func splitAttrs(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

// segmentDurations reads #EXTINF durations and checks the fMP4 map.
func segmentDurations(t *testing.T, path string) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, `#EXT-X-MAP:URI="init`) || !strings.Contains(s, "#EXT-X-PLAYLIST-TYPE:VOD") || !strings.Contains(s, "#EXT-X-ENDLIST") {
		t.Errorf("%s is not a finished fMP4 VOD playlist:\n%s", path, s)
	}
	var d []float64
	for _, l := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(l, "#EXTINF:"); ok {
			f, _ := strconv.ParseFloat(strings.TrimSuffix(v, ","), 64)
			d = append(d, f)
		}
	}
	return d
}

func TestTranscodeLadder(t *testing.T) {
	r := runner(t)
	dir := t.TempDir()
	src := testkit.Video(t, dir, testkit.Clip{Seconds: 9, Width: 1280, Height: 720, Rate: 25, Audio: true})
	p, err := r.Probe(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var last int
	l, err := r.Transcode(context.Background(), src, p, out, func(pct int) { last = pct })
	if err != nil {
		t.Fatal(err)
	}
	if last != 100 {
		t.Errorf("progress ended at %d", last)
	}
	vs := parseMaster(t, filepath.Join(out, l.Master))
	want := []string{"640x360", "854x480", "1280x720"} // never above the 720p source
	if len(vs) != len(want) {
		t.Fatalf("master has %d variants: %+v", len(vs), vs)
	}
	for i, v := range vs {
		if v.resolution != want[i] || v.bandwidth <= 0 || !strings.Contains(v.codecs, "avc1") || !strings.Contains(v.codecs, "mp4a") {
			t.Errorf("variant %d = %+v, want %s with avc1 and mp4a", i, v, want[i])
		}
		durs := segmentDurations(t, filepath.Join(out, "hls", v.uri))
		total := 0.0
		for j, d := range durs {
			total += d
			if j < len(durs)-1 && (d < 3.9 || d > 4.1) {
				t.Errorf("variant %d segment %d is %.2f s, want 4", i, j, d)
			}
		}
		if total < 8.8 || total > 9.2 {
			t.Errorf("variant %d lasts %.2f s, want 9", i, total)
		}
	}
	fb := filepath.Join(out, l.Fallback)
	fp, err := r.Probe(context.Background(), fb)
	if err != nil {
		t.Fatal(err)
	}
	if fp.Width != 1280 || fp.Height != 720 || fp.VideoCodec != "h264" || fp.AudioCodec != "aac" || fp.DurationSeconds < 8.8 {
		t.Errorf("fallback = %+v", fp)
	}
	b, _ := os.ReadFile(fb)
	if moov, mdat := bytes.Index(b, []byte("moov")), bytes.Index(b, []byte("mdat")); moov < 0 || mdat < 0 || moov > mdat {
		t.Errorf("fallback is not faststart: moov at %d, mdat at %d", moov, mdat)
	}
}

func TestTranscodeRotatedPhoneClip(t *testing.T) {
	r := runner(t)
	dir := t.TempDir()
	// A landscape-encoded frame with rotation metadata: the renditions must
	// come out upright (portrait), with no rotation left to apply.
	src := testkit.Video(t, dir, testkit.Clip{Seconds: 2, Width: 640, Height: 360, Rotate: 90})
	p, err := r.Probe(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	l, err := r.Transcode(context.Background(), src, p, filepath.Join(dir, "out"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Rungs) != 1 || l.Rungs[0].Width != 360 || l.Rungs[0].Height != 640 {
		t.Fatalf("rungs = %+v, want one 360x640", l.Rungs)
	}
	fp, err := r.Probe(context.Background(), filepath.Join(dir, "out", l.Fallback))
	if err != nil {
		t.Fatal(err)
	}
	if fp.Width != 360 || fp.Height != 640 || fp.Rotation != 0 || fp.AudioCodec != "" {
		t.Errorf("fallback = %+v, want upright 360x640 without audio", fp)
	}
}

// A variable-frame-rate source (two seconds at 10 frames a second, then
// 30) keeps its average rate in the renditions; its Matroska header
// claims 30.
func TestTranscodeVariableFrameRate(t *testing.T) {
	r := runner(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "vfr.mkv")
	if err := runFixture("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=6",
		"-vf", `select='not(mod(n\,3))+gte(t\,2)'`, "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", src); err != nil {
		t.Fatal(err)
	}
	p, err := r.Probe(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if p.FrameRate < 22.5 || p.FrameRate > 24 {
		t.Fatalf("probed rate %.3f, want the average 23.3", p.FrameRate)
	}
	l, err := r.Transcode(context.Background(), src, p, filepath.Join(dir, "out"), nil)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := r.Probe(context.Background(), filepath.Join(dir, "out", l.Fallback))
	if err != nil {
		t.Fatal(err)
	}
	if fb.FrameRate < 22.5 || fb.FrameRate > 24 {
		t.Errorf("rendition at %.3f frames a second, want the average 23.3", fb.FrameRate)
	}
}
