package media

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Images are the stills and preview written next to the ladder.
type Images struct {
	Poster  string // poster.jpg
	Sprite  string // sprite.jpg: thumbnails in a grid
	VTT     string // sprite.vtt: which tile shows which time
	Preview string // preview.mp4: a few silent seconds for the gallery
	// Frames are a few pictures sampled across the video for an external
	// moderation service (frames/f0.jpg, ...): never public.
	Frames []Still
}

// Still is one sampled picture and the time it shows.
type Still struct {
	Name string
	At   float64 // seconds
}

// SampledFrames is how many pictures Images samples for moderation.
const SampledFrames = 4

// Sprite geometry.
const (
	spriteCols  = 10
	spriteTileW = 160
	maxTiles    = 100
)

// Images writes the poster, the scrubbing sprite with its WebVTT map, and
// the animated preview into outDir.
func (r *Runner) Images(ctx context.Context, src string, p Probe, outDir string) (Images, error) {
	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return Images{}, err
	}
	img := Images{Poster: "poster.jpg", Sprite: "sprite.jpg", VTT: "sprite.vtt", Preview: "preview.mp4"}
	dw, dh := p.DisplaySize()
	// Poster: among one frame per second (up to 120), the thumbnail filter
	// keeps the one closest to the clip's average colours: black fades and
	// flashes lose to ordinary frames. eof_action=pass keeps the last
	// frame of a clip shorter than a second, which would give no poster.
	if err := r.ffmpeg(ctx, src, "-vf", fmt.Sprintf("fps=1:eof_action=pass,thumbnail=%d,scale=%s,format=yuvj420p", max(2, min(120, int(p.DurationSeconds))), scaleTo(dw, dh, 1280)),
		"-frames:v", "1", "-q:v", "3", filepath.Join(outDir, img.Poster)); err != nil {
		return Images{}, err
	}
	interval := spriteInterval(p.DurationSeconds)
	tiles := min(maxTiles, int(p.DurationSeconds/interval)+1)
	rows := (tiles + spriteCols - 1) / spriteCols
	tileH := even(float64(spriteTileW) * float64(dh) / float64(dw))
	if err := r.ffmpeg(ctx, src, "-vf", fmt.Sprintf("fps=1/%s:eof_action=pass,scale=%d:%d,tile=%dx%d", ftoa(interval), spriteTileW, tileH, spriteCols, rows),
		"-frames:v", "1", "-q:v", "5", filepath.Join(outDir, img.Sprite)); err != nil {
		return Images{}, err
	}
	for _, name := range []string{img.Poster, img.Sprite} {
		if st, err := os.Stat(filepath.Join(outDir, name)); err != nil || st.Size() == 0 {
			return Images{}, fmt.Errorf("media: images: %s was not written", name)
		}
	}
	frames, err := r.stills(ctx, src, p, outDir)
	if err != nil {
		return Images{}, err
	}
	img.Frames = frames
	if err := os.WriteFile(filepath.Join(outDir, img.VTT), []byte(spriteVTT(img.Sprite, p.DurationSeconds, interval, tiles, spriteTileW, tileH)), 0o600); err != nil {
		return Images{}, err
	}
	start := min(p.DurationSeconds/3, max(0, p.DurationSeconds-3))
	if err := r.ffmpeg(ctx, src, "-ss", ftoa(start), "-t", "3", "-an", "-vf", "fps=15,scale="+scaleTo(dw, dh, 320)+",format=yuv420p",
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-movflags", "+faststart", filepath.Join(outDir, img.Preview)); err != nil {
		return Images{}, err
	}
	return img, nil
}

// stills samples SampledFrames pictures evenly across the video (the
// middle of each equal part) in one decode, into frames/.
func (r *Runner) stills(ctx context.Context, src string, p Probe, outDir string) ([]Still, error) {
	if err := os.MkdirAll(filepath.Join(outDir, "frames"), 0o700); err != nil {
		return nil, err
	}
	dw, dh := p.DisplaySize()
	d := max(p.DurationSeconds, 0.04)
	rate := float64(SampledFrames) / d
	if err := r.ffmpeg(ctx, src, "-ss", ftoa(d/SampledFrames/2), "-vf", fmt.Sprintf("fps=%s:eof_action=pass,scale=%s", strconv.FormatFloat(rate, 'f', 6, 64), scaleTo(dw, dh, 640)),
		"-frames:v", strconv.Itoa(SampledFrames), "-q:v", "4", "-start_number", "0", filepath.Join(outDir, "frames", "f%d.jpg")); err != nil {
		return nil, err
	}
	var out []Still
	for i := range SampledFrames {
		name := fmt.Sprintf("frames/f%d.jpg", i)
		if _, err := os.Stat(filepath.Join(outDir, name)); err == nil {
			out = append(out, Still{Name: name, At: math.Round((float64(i)+0.5)*d/SampledFrames*10) / 10})
		}
	}
	return out, nil
}

// ffmpeg runs one hardened ffmpeg call reading src.
func (r *Runner) ffmpeg(ctx context.Context, src string, args ...string) error {
	full, err := r.input(src, "-hide_banner", "-nostdin", "-y", "-v", "error")
	if err != nil {
		return err
	}
	_, _, err = r.run(ctx, r.lim.FFmpeg, append(full, args...)...)
	return err
}

// spriteInterval keeps the sprite to at most maxTiles tiles.
func spriteInterval(d float64) float64 {
	iv := 1.0
	for d/iv > maxTiles-1 {
		iv *= 2
	}
	return iv
}

// spriteVTT maps each interval of the timeline to its tile (the #xywh
// media fragment players use for scrub previews).
func spriteVTT(sprite string, duration, interval float64, tiles, w, h int) string {
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	for i := 0; i < tiles; i++ {
		from := float64(i) * interval
		if from >= duration {
			break
		}
		to := min(duration, from+interval)
		fmt.Fprintf(&b, "\n%s --> %s\n%s#xywh=%d,%d,%d,%d\n", vttTime(from), vttTime(to), sprite, (i%spriteCols)*w, (i/spriteCols)*h, w, h)
	}
	return b.String()
}

func vttTime(s float64) string {
	d := time.Duration(s * float64(time.Second))
	return fmt.Sprintf("%02d:%02d:%02d.%03d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60, d.Milliseconds()%1000)
}

// scaleTo fits (w, h) within a maximum width, keeping the aspect, even.
func scaleTo(w, h, maxW int) string {
	if w <= maxW {
		return fmt.Sprintf("%d:%d", even(float64(w)), even(float64(h)))
	}
	return fmt.Sprintf("%d:%d", even(float64(maxW)), even(float64(h)*float64(maxW)/float64(w)))
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }
