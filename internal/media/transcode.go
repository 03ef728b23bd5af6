package media

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Ladder is what Transcode wrote into its output directory.
type Ladder struct {
	Rungs    []Rung
	Master   string // hls/master.m3u8, relative to the output directory
	Fallback string // fallback.mp4: progressive, faststart
	Audio    bool
}

// HLSSegmentSeconds is the target segment length.
const HLSSegmentSeconds = 4

// Transcode decodes the source once and encodes every rung from that one
// decode (a split filter feeding several encoders) into HLS with fMP4
// segments and a master playlist, audio loudness-normalised to EBU R128.
// It then makes the progressive MP4 fallback by remuxing the largest rung
// up to 720p, without a second encode. progress gets 0..100.
func (r *Runner) Transcode(ctx context.Context, src string, p Probe, outDir string, progress func(int)) (Ladder, error) {
	rungs := PlanLadder(p)
	if len(rungs) == 0 {
		return Ladder{}, fmt.Errorf("media: %w: no picture to transcode", ErrNotVideo)
	}
	l := Ladder{Rungs: rungs, Master: "hls/master.m3u8", Fallback: "fallback.mp4", Audio: p.AudioCodec != ""}
	if err := os.MkdirAll(filepath.Join(outDir, "hls"), 0o700); err != nil {
		return Ladder{}, err
	}
	args, err := r.input(src, "-hide_banner", "-nostdin", "-y", "-v", "error", "-nostats", "-progress", "pipe:1")
	if err != nil {
		return Ladder{}, err
	}
	args = append(args, LadderArgs(p, rungs, outDir)...)
	total := p.DurationSeconds
	err = r.runStreaming(ctx, r.lim.FFmpeg, func(line string) {
		if v, ok := strings.CutPrefix(line, "out_time_us="); ok && total > 0 && progress != nil {
			if us, err := strconv.ParseFloat(v, 64); err == nil {
				progress(min(99, int(us/1e6/total*100)))
			}
		}
	}, args...)
	if err != nil {
		return Ladder{}, err
	}
	if err := finishPlaylists(outDir, len(rungs)); err != nil {
		return Ladder{}, err
	}
	if err := r.fallback(ctx, outDir, rungs); err != nil {
		return Ladder{}, err
	}
	if progress != nil {
		progress(100)
	}
	return l, nil
}

// RungDir is where rung i's playlist (index.m3u8), init segment and media
// segments are written. The playlist grows as segments complete (an EVENT
// playlist), so the lowest rung can be published before the encode ends.
func RungDir(outDir string, i int) string {
	return filepath.Join(outDir, "hls", "v"+strconv.Itoa(i))
}

// finishPlaylists marks each finished rung playlist as VOD: the encode
// wrote them as EVENT playlists so they could be read while growing.
func finishPlaylists(outDir string, n int) error {
	for i := range n {
		p := filepath.Join(RungDir(outDir, i), "index.m3u8")
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("media: playlist: %w", err)
		}
		if !strings.Contains(string(b), "#EXT-X-ENDLIST") {
			return fmt.Errorf("media: playlist %s is unfinished", p)
		}
		b = []byte(strings.Replace(string(b), "#EXT-X-PLAYLIST-TYPE:EVENT", "#EXT-X-PLAYLIST-TYPE:VOD", 1))
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// LadderArgs builds the filter graph and outputs of the one-decode encode:
// everything after the input. (Exported for the benchmark, which runs the
// same encode as a plain ffmpeg command and one rung at a time.)
func LadderArgs(p Probe, rungs []Rung, outDir string) []string {
	fps := p.FrameRate
	if fps <= 0 || fps > MaxLadderFPS {
		fps = MaxLadderFPS
	}
	fpsArg := strconv.FormatFloat(fps, 'f', 3, 64)
	gop := strconv.Itoa(int(fps * HLSSegmentSeconds))
	n := len(rungs)
	var g strings.Builder
	// Constant frame rate (handles variable-frame-rate phone video), one
	// decode, then a cascade: the largest rung is scaled from the source and
	// each smaller one from the rung above it, which costs far less than
	// scaling every rung from full size. Rungs are lowest first, so the
	// cascade walks them backwards.
	fmt.Fprintf(&g, "[0:v]fps=%s,format=yuv420p[c%d]", fpsArg, n)
	for i := n - 1; i >= 0; i-- {
		r := rungs[i]
		fmt.Fprintf(&g, ";[c%d]scale=%d:%d:flags=bicubic,setsar=1", i+1, r.Width, r.Height)
		if i > 0 {
			fmt.Fprintf(&g, ",split=2[v%d][c%d]", i, i)
		} else {
			fmt.Fprintf(&g, "[v%d]", i)
		}
	}
	audio := p.AudioCodec != ""
	if audio {
		fmt.Fprintf(&g, ";[0:a]loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000,asplit=%d", n)
		for i := range rungs {
			fmt.Fprintf(&g, "[a%d]", i)
		}
	}
	args := []string{"-filter_complex", g.String()}
	var streamMap []string
	for i, r := range rungs {
		args = append(args, "-map", fmt.Sprintf("[v%d]", i))
		k := strconv.Itoa(i)
		args = append(args,
			"-c:v:"+k, "libx264", "-preset:v:"+k, "veryfast", "-profile:v:"+k, "high",
			"-b:v:"+k, fmt.Sprintf("%dk", r.VideoKbps), "-maxrate:v:"+k, fmt.Sprintf("%dk", r.MaxKbps), "-bufsize:v:"+k, fmt.Sprintf("%dk", r.BufKbps))
		entry := "v:" + k
		if audio {
			args = append(args, "-map", fmt.Sprintf("[a%d]", i))
			entry += ",a:" + k
		}
		streamMap = append(streamMap, entry)
	}
	args = append(args, "-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-r", fpsArg)
	if audio {
		args = append(args, "-c:a", "aac", "-b:a", "128k", "-ac", "2")
	}
	hls := filepath.Join(outDir, "hls")
	// The probed length plus a second: a file that claims to be short but
	// streams on (or loops) cannot keep the encoder busy.
	args = append(args, "-t", strconv.FormatFloat(p.DurationSeconds+1, 'f', 3, 64))
	args = append(args,
		"-f", "hls", "-hls_time", strconv.Itoa(HLSSegmentSeconds), "-hls_playlist_type", "event",
		"-hls_segment_type", "fmp4", "-hls_flags", "independent_segments",
		"-hls_fmp4_init_filename", "init.mp4",
		"-hls_segment_filename", filepath.Join(hls, "v%v", "seg_%03d.m4s"),
		"-master_pl_name", "master.m3u8",
		"-var_stream_map", strings.Join(streamMap, " "),
		filepath.Join(hls, "v%v", "index.m3u8"))
	return args
}

// FallbackRung is the index of the rung used for the MP4 fallback: the
// largest whose short side is at most 720.
func FallbackRung(rungs []Rung) int {
	best := 0
	for i, r := range rungs {
		if min(r.Width, r.Height) <= 720 {
			best = i
		}
	}
	return best
}

// fallback joins one rung's init segment and media segments (together a
// fragmented MP4) and remuxes them into a progressive MP4 with the index
// at the front, so it starts playing before it has downloaded.
func (r *Runner) fallback(ctx context.Context, outDir string, rungs []Rung) error {
	dir := RungDir(outDir, FallbackRung(rungs))
	initSeg, segs, err := PlaylistSegments(filepath.Join(dir, "index.m3u8"))
	if err != nil {
		return err
	}
	joined := filepath.Join(outDir, "joined.mp4")
	f, err := os.Create(joined)
	if err != nil {
		return err
	}
	for _, name := range append([]string{initSeg}, segs...) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.Base(name)))
		if err == nil {
			_, err = f.Write(b)
		}
		if err != nil {
			f.Close()
			return fmt.Errorf("media: fallback: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	defer os.Remove(joined)
	return r.ffmpeg(ctx, joined, "-map", "0", "-c", "copy", "-movflags", "+faststart", filepath.Join(outDir, "fallback.mp4"))
}

// PlaylistSegments reads a media playlist: its init segment (EXT-X-MAP)
// and its media segment URIs. Every segment listed is complete.
func PlaylistSegments(path string) (string, []string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("media: playlist: %w", err)
	}
	var initSeg string
	var segs []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if uri, ok := strings.CutPrefix(line, `#EXT-X-MAP:URI="`); ok {
			initSeg, _, _ = strings.Cut(uri, `"`)
			continue
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			segs = append(segs, line)
		}
	}
	if initSeg == "" || len(segs) == 0 {
		return "", nil, fmt.Errorf("media: playlist %s has no init or media segments", path)
	}
	return initSeg, segs, nil
}
