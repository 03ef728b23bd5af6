package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// FrameTooLargeError means the video's frames are larger than the decoder
// is allowed to open (the max-pixels limit).
type FrameTooLargeError struct{ Width, Height int }

func (e *FrameTooLargeError) Error() string {
	return fmt.Sprintf("media: frame %dx%d exceeds the pixel limit", e.Width, e.Height)
}

var tooManyPixels = regexp.MustCompile(`Picture size (\d+)x(\d+) exceeds specified max pixel count`)

// frameTooLarge reads ffmpeg's max_pixels complaint from stderr.
func frameTooLarge(stderr []byte) error {
	m := tooManyPixels.FindSubmatch(stderr)
	if m == nil {
		return nil
	}
	w, _ := strconv.Atoi(string(m[1]))
	h, _ := strconv.Atoi(string(m[2]))
	return &FrameTooLargeError{Width: w, Height: h}
}

// ErrNotVideo means the file is not a video this product accepts: its bytes
// are not a known container, or ffprobe found no video stream in it.
var ErrNotVideo = errors.New("not a video")

// ErrNoPicture means the file is a readable container with sound but no
// video track (someone uploaded a voice memo or a song). It is an
// ErrNotVideo too.
var ErrNoPicture = fmt.Errorf("%w: the file has no video track", ErrNotVideo)

// Probe is what ffprobe found, reduced to what Tryout uses.
type Probe struct {
	FormatName      string
	DurationSeconds float64
	Width, Height   int // as stored, before rotation
	Rotation        int // degrees clockwise the player must turn the picture
	VideoCodec      string
	PixelFormat     string // yuv420p, yuv420p10le, ...
	AudioCodec      string
	// FrameRate is the video's average rate: frames counted over the
	// duration when the container's own figure disagrees (a variable-rate
	// phone video in Matroska reports its first frames' rate).
	FrameRate float64
	BitRate   int64
}

// DisplaySize is the picture size after rotation.
func (p Probe) DisplaySize() (w, h int) {
	if p.Rotation == 90 || p.Rotation == 270 {
		return p.Height, p.Width
	}
	return p.Width, p.Height
}

// WebPlayable reports whether every browser can play the source's streams
// as they are (8-bit 4:2:0 H.264, AAC or MP3 audio or none), so a remux
// into MP4 without re-encoding gives a playable copy in seconds.
func (p Probe) WebPlayable() bool {
	if p.VideoCodec != "h264" || (p.PixelFormat != "yuv420p" && p.PixelFormat != "yuvj420p") {
		return false
	}
	switch p.AudioCodec {
	case "", "aac", "mp3":
		return true
	}
	return false
}

// SniffFile checks a local file's first bytes before any ffmpeg call.
func SniffFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("media: sniff: %w", err)
	}
	defer f.Close()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("media: sniff: %w", err)
	}
	c := Sniff(head[:n])
	if c == "" {
		return "", fmt.Errorf("media: %w: the file does not start like a video container", ErrNotVideo)
	}
	return c, nil
}

// Probe sniffs then runs hardened ffprobe on a local file.
func (r *Runner) Probe(ctx context.Context, path string) (Probe, error) {
	args, err := r.input(path, "-v", "error", "-hide_banner")
	if err != nil {
		return Probe{}, err
	}
	// -count_packets demuxes the whole file (no decode) to count frames.
	args = append(args, "-print_format", "json", "-show_format", "-show_streams", "-count_packets")
	out, stderr, err := r.run(ctx, r.lim.FFprobe, args...)
	if ferr := frameTooLarge(stderr); ferr != nil { // ffprobe may report it and still exit 0
		return Probe{}, ferr
	}
	if err != nil {
		var tooLarge *FrameTooLargeError
		if errors.Is(err, ErrTimeout) || errors.As(err, &tooLarge) {
			return Probe{}, err
		}
		if ctx.Err() != nil { // the task was cancelled: retry later, blame nothing
			return Probe{}, fmt.Errorf("media: probe: %w", ctx.Err())
		}
		return Probe{}, fmt.Errorf("%w: the file could not be read as a video (%v)", ErrNotVideo, err)
	}
	return parseProbe(out)
}

type probeJSON struct {
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
		BitRate    string `json:"bit_rate"`
	} `json:"format"`
	Streams []struct {
		CodecType    string            `json:"codec_type"`
		CodecName    string            `json:"codec_name"`
		PixFmt       string            `json:"pix_fmt"`
		Width        int               `json:"width"`
		Height       int               `json:"height"`
		AvgFrameRate string            `json:"avg_frame_rate"`
		Packets      string            `json:"nb_read_packets"`
		Duration     string            `json:"duration"`
		Tags         map[string]string `json:"tags"`
		SideDataList []struct {
			Rotation float64 `json:"rotation"`
		} `json:"side_data_list"`
		Disposition map[string]int `json:"disposition"`
	} `json:"streams"`
}

func parseProbe(out []byte) (Probe, error) {
	var pj probeJSON
	if err := json.Unmarshal(out, &pj); err != nil {
		return Probe{}, fmt.Errorf("media: parse ffprobe output: %w", err)
	}
	p := Probe{FormatName: pj.Format.FormatName}
	p.DurationSeconds, _ = strconv.ParseFloat(pj.Format.Duration, 64)
	p.BitRate, _ = strconv.ParseInt(pj.Format.BitRate, 10, 64)
	foundVideo := false
	for _, s := range pj.Streams {
		switch {
		case s.CodecType == "video" && !foundVideo && s.Disposition["attached_pic"] == 0:
			foundVideo = true
			p.VideoCodec, p.PixelFormat, p.Width, p.Height = s.CodecName, s.PixFmt, s.Width, s.Height
			p.Rotation = rotation(s.Tags["rotate"], s.SideDataList)
			if p.DurationSeconds == 0 {
				p.DurationSeconds, _ = strconv.ParseFloat(s.Duration, 64)
			}
			streamSeconds, _ := strconv.ParseFloat(s.Duration, 64)
			if streamSeconds <= 0 {
				streamSeconds = p.DurationSeconds
			}
			packets, _ := strconv.Atoi(s.Packets)
			p.FrameRate = averageRate(parseRate(s.AvgFrameRate), packets, streamSeconds)
		case s.CodecType == "audio" && p.AudioCodec == "":
			p.AudioCodec = s.CodecName
		}
	}
	if !foundVideo || p.Width <= 0 || p.Height <= 0 {
		if p.AudioCodec != "" {
			return p, fmt.Errorf("media: %w", ErrNoPicture)
		}
		return p, fmt.Errorf("media: %w: the file has no video track", ErrNotVideo)
	}
	return p, nil
}

// averageRate is the container's average frame rate, unless the frames
// counted over the duration disagree by more than 2%: then the count.
func averageRate(declared float64, frames int, seconds float64) float64 {
	if frames < 2 || seconds <= 0 {
		return declared
	}
	counted := math.Round(float64(frames)/seconds*1000) / 1000
	if declared > 0 && math.Abs(counted-declared) <= 0.02*declared {
		return declared
	}
	return counted
}

func parseRate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	if !ok {
		f, _ := strconv.ParseFloat(s, 64)
		return f
	}
	n, _ := strconv.ParseFloat(num, 64)
	d, _ := strconv.ParseFloat(den, 64)
	if d == 0 {
		return 0
	}
	return math.Round(n/d*1000) / 1000
}

// rotation normalises the display-matrix rotation (counter-clockwise,
// negative for clockwise) or the legacy rotate tag (clockwise) to clockwise
// degrees in 0, 90, 180, 270.
func rotation(tag string, side []struct {
	Rotation float64 `json:"rotation"`
}) int {
	deg := 0
	if tag != "" {
		deg, _ = strconv.Atoi(tag)
	}
	for _, sd := range side {
		if sd.Rotation != 0 {
			deg = int(-sd.Rotation)
		}
	}
	deg = ((deg % 360) + 360) % 360
	return (deg + 45) / 90 * 90 % 360
}
