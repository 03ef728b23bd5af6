package testkit

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// PlaylistAVI returns an AVI header followed by an HLS playlist that asks
// for the local file secretPath: the CVE-2017-9993 pattern. Its first bytes
// pass a magic-number sniff, so only the demuxer allow-list keeps ffmpeg
// from reading the file.
func PlaylistAVI(secretPath string) []byte {
	playlist := "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile://" + secretPath + "\n#EXT-X-ENDLIST\n"
	return append([]byte("RIFF\x00\x10\x00\x00AVI LIST\x00\x00\x00\x00"), []byte(playlist)...)
}

// HugeFrameAVI returns a one-frame MJPEG AVI whose container says 16x16
// while its JPEG frame header claims 16000x16000: a decoder that trusts the
// header would allocate about a gigabyte.
func HugeFrameAVI(t testing.TB, dir string) []byte {
	t.Helper()
	small := filepath.Join(dir, "small-mjpeg.avi")
	FFmpeg(t, "-f", "lavfi", "-i", "color=gray:size=16x16:rate=1", "-frames:v", "1", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", small)
	b, err := os.ReadFile(small)
	if err != nil {
		t.Fatal(err)
	}
	sof := sof0(b)
	if sof < 0 {
		t.Fatal("testkit: no SOF0 marker in the MJPEG fixture")
	}
	// FF C0, length (2), precision (1), height (2), width (2)
	binary.BigEndian.PutUint16(b[sof+5:], 16000)
	binary.BigEndian.PutUint16(b[sof+7:], 16000)
	return b
}

// sof0 walks the JPEG segments after the first SOI marker to the frame
// header (a naive search can hit the same bytes inside table data).
func sof0(b []byte) int {
	i := bytes.Index(b, []byte{0xFF, 0xD8})
	if i < 0 {
		return -1
	}
	for i += 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return -1
		}
		if b[i+1] == 0xC0 {
			return i
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return -1
}

// VFRVideo makes a variable-frame-rate MP4 as phones record them: the
// first second at 30 frames per second, then 10 per second.
func VFRVideo(t testing.TB, dir string, seconds int) string {
	t.Helper()
	out := filepath.Join(dir, "vfr.mp4")
	FFmpeg(t, "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
		"-vf", "select='lt(n\\,30)+not(mod(n\\,3))',setpts='if(lt(N\\,30)\\,N/30\\,1+(N-30)/10)/TB'",
		"-fps_mode", "vfr", "-t", strconv.Itoa(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", out)
	return out
}
