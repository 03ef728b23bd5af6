package media_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/testkit"
)

func runner(t *testing.T) *media.Runner {
	t.Helper()
	r, err := media.NewRunner(media.Limits{FFprobe: "ffprobe", FFmpeg: "ffmpeg", Timeout: time.Minute, MemoryBytes: 1 << 30, MaxPixels: 4096 * 2160})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"mp4 ftyp", []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"), media.ContainerMP4},
		{"quicktime ftyp", []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "), media.ContainerMP4},
		{"matroska", []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"), media.ContainerMatroska},
		{"avi", []byte("RIFF\x00\x10\x00\x00AVI LIST"), media.ContainerAVI},
		{"wav is not video", []byte("RIFF\x00\x10\x00\x00WAVEfmt "), ""},
		{"hls playlist", []byte("#EXTM3U\n#EXT-X-VERSION:3\n"), ""},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), ""},
		{"ftyp with absurd size", []byte("\xff\xff\xff\xffftypisom\x00\x00\x00\x00"), ""},
		{"empty", nil, ""},
		{"short", []byte("\x00\x00"), ""},
	}
	for _, tt := range tests {
		if got := media.Sniff(tt.head); got != tt.want {
			t.Errorf("%s: Sniff = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x20ftypisom"))
	f.Add([]byte("RIFF\x00\x00\x00\x00AVI "))
	f.Add([]byte{0x1a, 0x45, 0xdf, 0xa3})
	f.Fuzz(func(t *testing.T, b []byte) {
		switch media.Sniff(b) {
		case "", media.ContainerMP4, media.ContainerMatroska, media.ContainerAVI:
		default:
			t.Fatal("unknown container")
		}
	})
}

func TestProbeGeneratedVideos(t *testing.T) {
	r := runner(t)
	dir := t.TempDir()
	tests := []struct {
		name            string
		clip            testkit.Clip
		wantW, wantH    int
		wantRot         int
		wantVideo, wAud string
	}{
		{"mp4 with audio", testkit.Clip{Seconds: 1, Width: 320, Height: 240, Audio: true}, 320, 240, 0, "h264", "aac"},
		{"webm", testkit.Clip{Seconds: 1, Width: 256, Height: 144, Container: "webm"}, 256, 144, 0, "vp9", ""},
		{"avi", testkit.Clip{Seconds: 1, Width: 176, Height: 144, Container: "avi"}, 176, 144, 0, "mpeg4", ""},
		{"rotated phone clip", testkit.Clip{Seconds: 1, Width: 320, Height: 180, Rotate: 90}, 320, 180, -1, "h264", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := r.Probe(context.Background(), testkit.Video(t, dir, tt.clip))
			if err != nil {
				t.Fatal(err)
			}
			if p.Width != tt.wantW || p.Height != tt.wantH || p.VideoCodec != tt.wantVideo || p.AudioCodec != tt.wAud {
				t.Errorf("probe = %+v", p)
			}
			if tt.wantRot >= 0 && p.Rotation != tt.wantRot {
				t.Errorf("rotation = %d, want %d", p.Rotation, tt.wantRot)
			}
			if tt.wantRot < 0 {
				// A quarter turn either way: the picture must display as portrait.
				// (ffmpeg versions disagree on which way the legacy rotate tag turns.)
				if w, h := p.DisplaySize(); p.Rotation%180 != 90 || w != tt.wantH || h != tt.wantW {
					t.Errorf("rotated clip: rotation %d, display %dx%d, want portrait %dx%d", p.Rotation, w, h, tt.wantH, tt.wantW)
				}
			}
			if p.DurationSeconds < 0.9 || p.DurationSeconds > 1.2 {
				t.Errorf("duration = %v, want about 1", p.DurationSeconds)
			}
		})
	}
	t.Run("display size follows rotation", func(t *testing.T) {
		w, h := media.Probe{Width: 320, Height: 180, Rotation: 90}.DisplaySize()
		if w != 180 || h != 320 {
			t.Errorf("DisplaySize = %dx%d", w, h)
		}
	})
}

func TestProbeRefusesHostileFiles(t *testing.T) {
	r := runner(t)
	dir := t.TempDir()
	secret := "TOP-SECRET-" + filepath.Base(dir)
	secretPath := testkit.File(t, dir, "secret.txt", []byte(secret+"\n"))
	playlist := "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile://" + secretPath + "\n#EXT-X-ENDLIST\n"
	good := testkit.Video(t, dir, testkit.Clip{Seconds: 1, Width: 320, Height: 240})
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"zero bytes", nil},
		{"random bytes named mp4", []byte(strings.Repeat("\x13\x37\xbe\xef", 4096))},
		{"truncated mp4", goodBytes[:len(goodBytes)/3]},
		{"hls playlist named avi", []byte(playlist)},
		// An AVI header in front of a playlist: the sniff passes, so only the
		// demuxer allow-list stands between ffprobe and the secret file.
		{"avi header carrying a playlist", testkit.PlaylistAVI(secretPath)},
		{"audio only", nil},
	}
	audio := filepath.Join(dir, "audio.mp4")
	if err := runFixture("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=300", "-t", "1", "-c:a", "aac", audio); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := audio
			if tt.name != "audio only" {
				path = testkit.File(t, dir, "in-"+strings.ReplaceAll(tt.name, " ", "-")+".avi", tt.data)
			}
			p, err := r.Probe(context.Background(), path)
			if !errors.Is(err, media.ErrNotVideo) {
				t.Fatalf("Probe = %+v, %v; want ErrNotVideo", p, err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks the secret file: %v", err)
			}
		})
	}
}

func TestProbeTimeout(t *testing.T) {
	r, err := media.NewRunner(media.Limits{FFprobe: "ffprobe", FFmpeg: "ffmpeg", Timeout: time.Nanosecond, MemoryBytes: 1 << 30, MaxPixels: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	clip := testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 160, Height: 120})
	if _, err := r.Probe(context.Background(), clip); !errors.Is(err, media.ErrTimeout) {
		t.Fatalf("Probe with a 1ns limit = %v, want ErrTimeout", err)
	}
}

// TestProbeRefusesHugeFrame: a file whose frame header claims 16000x16000
// is refused without decoding such a frame: by the decoder's pixel limit
// (FrameTooLargeError, tested with real pixels in the worker tests) or, for
// this MJPEG fixture, by FFmpeg's own picture-too-big-for-its-data check
// (ErrNotVideo). Either way no retry is attempted. The fixture is a tiny
// MJPEG AVI with its JPEG frame header (SOF0) rewritten, as a hostile file
// would be; encoding a real frame that size takes gigabytes.
func TestProbeRefusesHugeFrame(t *testing.T) {
	r := runner(t)
	dir := t.TempDir()
	b := testkit.HugeFrameAVI(t, dir)
	huge := testkit.File(t, dir, "huge.avi", b)
	// The container still says 16x16, so probing may pass; decoding must not.
	p, err := r.Probe(context.Background(), huge)
	if err == nil {
		p.DurationSeconds = max(p.DurationSeconds, 1)
		_, err = r.Transcode(context.Background(), huge, p, filepath.Join(dir, "out"), nil)
	}
	var tooLarge *media.FrameTooLargeError
	if !errors.As(err, &tooLarge) && !errors.Is(err, media.ErrNotVideo) {
		t.Fatalf("got %v, want FrameTooLargeError or ErrNotVideo", err)
	}
}
