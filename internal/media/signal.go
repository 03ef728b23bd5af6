package media

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Sampling of the duplicate check's signal: SignalRate frames a second,
// each the average of the pictures of its quarter second (so a trim or a
// new frame rate that shifts the pictures a little changes nothing), as
// a square at the centre of the picture, its side each of CentreShares of
// the picture's shorter side (a cropped copy's centre at one share is the
// original's at the next; a square keeps a portrait picture apart from a
// landscape one), shrunk to CentreSide x CentreSide grey pixels.
const (
	SignalRate = 4
	CentreSide = 32
	smoothRate = 20 // pictures a second averaged into each sample
)

// CentreShares are the centre crops sampled, largest first.
var CentreShares = [...]float64{0.7, 0.63, 0.56}

// Signal is what one decode of a video gives the duplicate check: small
// grey pictures sampled at a steady rate, the sound's acoustic
// fingerprint, a hash of every decoded frame and sample, and how long
// the decoded streams really last.
type Signal struct {
	Rate float64 // samples a second
	// Centres holds, for each of CentreShares, the samples:
	// CentreSide*CentreSide grey pixels each.
	Centres [len(CentreShares)][][]byte
	// Audio is the Chromaprint fingerprint (fpcalc -raw): one 32-bit item
	// every 1/AudioRate seconds; nil without sound or without fpcalc.
	Audio     []uint32
	AudioRate float64
	// VideoHash and AudioHash identify the decoded pictures and the
	// decoded sound ("" without sound): two files with the same values
	// play exactly the same.
	VideoHash, AudioHash string
	// DecodedSeconds is how far the decode got, which a damaged or cut
	// file makes shorter than its declared duration.
	DecodedSeconds float64
}

// ChromaprintRate is fpcalc's items per second (11025 Hz, a hop of 4096/3
// samples).
const ChromaprintRate = 11025.0 / (4096.0 / 3)

// Signal decodes src once (hardened like every call) into the duplicate
// check's samples, writing its scratch files into workDir, then
// fingerprints the sound with fpcalc (when configured) from the plain WAV
// that decode wrote, so fpcalc never opens the uploaded file itself.
func (r *Runner) Signal(ctx context.Context, src string, p Probe, workDir string) (Signal, error) {
	if err := os.MkdirAll(workDir, 0o700); err != nil {
		return Signal{}, err
	}
	vhash, ahash, wav := filepath.Join(workDir, "video.hash"), filepath.Join(workDir, "audio.hash"), filepath.Join(workDir, "sound.wav")
	args, err := r.input(src, "-hide_banner", "-nostdin", "-y", "-v", "error", "-nostats", "-progress", "pipe:1")
	if err != nil {
		return Signal{}, err
	}
	limit := strconv.FormatFloat(p.DurationSeconds+1, 'f', 3, 64)
	n := len(CentreShares)
	graph := fmt.Sprintf("[0:v:0]fps=%d,split=%d", smoothRate, n)
	for i := range n {
		graph += fmt.Sprintf("[s%d]", i)
	}
	for i, share := range CentreShares {
		side := fmt.Sprintf("trunc(min(iw\\,ih)*%g/2)*2", share)
		graph += fmt.Sprintf(";[s%d]crop=w=%s:h=%s,scale=%d:%d:flags=area,format=gray,tmix=frames=%d,fps=%d[c%d]",
			i, side, side, CentreSide, CentreSide, smoothRate/SignalRate, SignalRate, i)
	}
	args = append(args, "-filter_complex", graph)
	for i := range n {
		args = append(args, "-map", fmt.Sprintf("[c%d]", i), "-t", limit, "-f", "rawvideo", "file:"+centreFile(workDir, i))
	}
	args = append(args, "-map", "0:v:0", "-t", limit, "-f", "hash", "-hash", "murmur3", "file:"+vhash)
	sound := p.AudioCodec != ""
	if sound {
		args = append(args, "-map", "0:a:0", "-t", limit, "-f", "hash", "-hash", "murmur3", "file:"+ahash,
			"-map", "0:a:0", "-t", limit, "-ac", "1", "-ar", "11025", "-c:a", "pcm_s16le", "-f", "wav", "file:"+wav)
	}
	var decoded float64
	err = r.runStreaming(ctx, r.lim.FFmpeg, func(line string) {
		if v, ok := strings.CutPrefix(line, "out_time_us="); ok {
			if us, err := strconv.ParseFloat(v, 64); err == nil && us > 0 {
				decoded = us / 1e6
			}
		}
	}, args...)
	if err != nil {
		return Signal{}, err
	}
	s := Signal{Rate: SignalRate, DecodedSeconds: decoded, VideoHash: readHash(vhash)}
	frames := -1
	for i := range n {
		if s.Centres[i], err = readFrames(centreFile(workDir, i), CentreSide*CentreSide); err != nil {
			return Signal{}, err
		}
		if frames < 0 || len(s.Centres[i]) < frames {
			frames = len(s.Centres[i])
		}
	}
	for i := range n {
		s.Centres[i] = s.Centres[i][:frames]
	}
	if sound {
		s.AudioHash = readHash(ahash)
	}
	if sound && r.lim.Fpcalc != "" {
		if s.Audio, err = r.chromaprint(ctx, wav, p.DurationSeconds); err != nil {
			return Signal{}, err
		}
		s.AudioRate = ChromaprintRate
	}
	return s, nil
}

func centreFile(dir string, i int) string {
	return filepath.Join(dir, "centre"+strconv.Itoa(i)+".gray")
}

// readHash reads the hash muxer's "murmur3=..." line ("" when missing).
func readHash(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// readFrames splits a raw grey video file into frames of size bytes.
func readFrames(path string, size int) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("media: signal: %w", err)
	}
	var out [][]byte
	for i := 0; i+size <= len(b); i += size {
		out = append(out, b[i:i+size:i+size])
	}
	return out, nil // none for a clip shorter than a sample: nothing to compare
}

// chromaprint runs fpcalc on the WAV the hardened decode wrote, under the
// same limits as ffmpeg (time, memory, no environment, a file: input).
// Sound too short or too quiet to fingerprint gives nil.
func (r *Runner) chromaprint(ctx context.Context, wav string, seconds float64) ([]uint32, error) {
	length := strconv.Itoa(int(min(seconds, 3600)) + 1)
	out, _, err := r.run(ctx, r.lim.Fpcalc, "-raw", "-length", length, "-format", "wav", "file:"+wav)
	items := parseChromaprint(string(out))
	// fpcalc exits 3 when its decoder meets the end of the file, after
	// printing the whole fingerprint; without a fingerprint line (sound too
	// short or silent) there is nothing to compare.
	if err != nil && (errors.Is(err, ErrTimeout) || ctx.Err() != nil) {
		return nil, err
	}
	return items, nil
}

// parseChromaprint reads fpcalc's FINGERPRINT=1,2,3 line.
func parseChromaprint(out string) []uint32 {
	for _, line := range strings.Split(out, "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "FINGERPRINT=")
		if !ok {
			continue
		}
		var items []uint32
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.ParseUint(strings.TrimSpace(f), 10, 32)
			if err != nil {
				return nil
			}
			items = append(items, uint32(n))
		}
		return items
	}
	return nil
}
