package main

import (
	"context"
	"fmt"
	"math/bits"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/screening"
	"github.com/tryout/tryout/internal/testkit"
)

// benchDup generates the duplicate corpus (testkit.DupCorpus), runs the
// duplicate check on every pair and prints its precision and recall. The
// goal is the baseline: precision 1 (no different pair flagged or
// refused) and recall of at least 0.9. The old check (a 9x8 difference
// hash of 16 evenly spaced frames, compared frame by frame) is scored on
// the same corpus for comparison.
func benchDup(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "tryout-dup-corpus")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pairs, err := testkit.DupCorpus(dir, 2)
	if err != nil {
		return err
	}
	r, err := media.NewRunner(media.Limits{FFprobe: "ffprobe", FFmpeg: "ffmpeg", Fpcalc: "fpcalc", Timeout: 5 * time.Minute, MemoryBytes: 2 << 30, MaxPixels: 4096 * 2160})
	if err != nil {
		return err
	}
	prints, olds := map[string]screening.Fingerprint{}, map[string][]uint64{}
	var clipSeconds float64
	start := time.Now()
	for _, p := range pairs {
		for _, path := range []string{p.A, p.B} {
			if _, ok := prints[path]; ok {
				continue
			}
			fp, seconds, err := fingerprint(ctx, r, path, dir)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			prints[path] = fp
			clipSeconds += seconds
			if olds[path], err = oldFingerprint(path, seconds); err != nil {
				return fmt.Errorf("old fingerprint of %s: %w", path, err)
			}
		}
	}
	took := time.Since(start)
	compared := time.Now()
	sc := testkit.ScoreCorpus(pairs, func(p testkit.CorpusPair) testkit.CorpusVerdict {
		m := screening.Compare(prints[p.A], prints[p.B])
		return testkit.CorpusVerdict{Flagged: m.Similar() && m.Identical == "", Refused: m.Identical != ""}
	})
	perPair := time.Since(compared) / time.Duration(len(pairs))
	oldRefused := 0 // different videos (or lookalikes) the old check refused outright
	old := testkit.ScoreCorpus(pairs, func(p testkit.CorpusPair) testkit.CorpusVerdict {
		d := oldDistance(olds[p.A], olds[p.B])
		if d <= 4 && !p.Same {
			oldRefused++
		}
		return testkit.CorpusVerdict{Flagged: d <= 10 && d > 4, Refused: d <= 4}
	})
	missed := strings.ReplaceAll(strings.Join(sc.Wrong, ";"), " ", "_")
	bench("dup_precision", sc.Precision, "ratio", 1, fmt.Sprintf("old_check=%.2f", old.Precision), fmt.Sprintf("old_refused_different=%d", oldRefused),
		fmt.Sprintf("pairs=%d", len(pairs)), fmt.Sprintf("lookalikes_flagged=%d/%d", sc.LookalikesFlagged, sc.Lookalikes))
	bench("dup_recall", sc.Recall, "ratio", 1, "goal=0.90", fmt.Sprintf("old_check=%.2f", old.Recall), "mistakes="+missed)
	bench("dup_fingerprint_speed", clipSeconds/took.Seconds(), "video_s/s", 1, fmt.Sprintf("clips=%d", len(prints)),
		fmt.Sprintf("compare_us_per_pair=%d", perPair.Microseconds()))
	return nil
}

func fingerprint(ctx context.Context, r *media.Runner, path, dir string) (screening.Fingerprint, float64, error) {
	p, err := r.Probe(ctx, path)
	if err != nil {
		return screening.Fingerprint{}, 0, err
	}
	work, err := os.MkdirTemp(dir, "signal")
	if err != nil {
		return screening.Fingerprint{}, 0, err
	}
	defer os.RemoveAll(work)
	s, err := r.Signal(ctx, path, p, work)
	if err != nil {
		return screening.Fingerprint{}, 0, err
	}
	h, err := screening.HashFile(path)
	return screening.NewFingerprint(s, h), p.DurationSeconds, err
}

// oldFingerprint is the check this one replaced: 16 frames evenly spaced
// over the video, each shrunk to 9x8 grey pixels and difference-hashed.
func oldFingerprint(path string, seconds float64) ([]uint64, error) {
	rate := strconv.FormatFloat(16/seconds, 'f', 6, 64)
	out, err := exec.Command("ffmpeg", "-hide_banner", "-v", "error", "-i", path, "-vf", "fps="+rate+",scale=9:8:flags=area,format=gray",
		"-frames:v", "16", "-f", "rawvideo", "pipe:1").Output()
	if err != nil {
		return nil, err
	}
	var hashes []uint64
	for i := 0; i+72 <= len(out); i += 72 {
		var h uint64
		for y := 0; y < 8; y++ {
			for x := 0; x < 8; x++ {
				h <<= 1
				if out[i+y*9+x] > out[i+y*9+x+1] {
					h |= 1
				}
			}
		}
		hashes = append(hashes, h)
	}
	return hashes, nil
}

// oldDistance is the old mean Hamming distance by frame index.
func oldDistance(a, b []uint64) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return 64
	}
	total := 0
	for i := 0; i < n; i++ {
		total += bits.OnesCount64(a[i] ^ b[i])
	}
	return float64(total) / float64(n)
}
