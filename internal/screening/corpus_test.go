package screening_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/screening"
	"github.com/tryout/tryout/internal/testkit"
)

// corpusPrints generates the duplicate corpus (or reuses TRYOUT_CORPUS_DIR
// when set, for calibration) and fingerprints every clip in it.
func corpusPrints(t *testing.T) ([]testkit.CorpusPair, map[string]screening.Fingerprint) {
	t.Helper()
	dir := os.Getenv("TRYOUT_CORPUS_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	pairs, err := testkit.DupCorpus(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	r, err := media.NewRunner(media.Limits{FFprobe: "ffprobe", FFmpeg: "ffmpeg", Fpcalc: "fpcalc", Timeout: 2 * time.Minute, MemoryBytes: 2 << 30, MaxPixels: 4096 * 2160})
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	for _, p := range pairs {
		paths[p.A], paths[p.B] = true, true
	}
	prints := map[string]screening.Fingerprint{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for p := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fp, err := fingerprintFile(r, p)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("%s: %v", filepath.Base(p), err)
				return
			}
			prints[p] = fp
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return pairs, prints
}

func fingerprintFile(r *media.Runner, path string) (screening.Fingerprint, error) {
	ctx := context.Background()
	p, err := r.Probe(ctx, path)
	if err != nil {
		return screening.Fingerprint{}, err
	}
	work, err := os.MkdirTemp("", "sig")
	if err != nil {
		return screening.Fingerprint{}, err
	}
	defer os.RemoveAll(work)
	s, err := r.Signal(ctx, path, p, work)
	if err != nil {
		return screening.Fingerprint{}, err
	}
	h, err := screening.HashFile(path)
	if err != nil {
		return screening.Fingerprint{}, err
	}
	return screening.NewFingerprint(s, h), nil
}

func TestDuplicateCorpus(t *testing.T) {
	pairs, prints := corpusPrints(t)
	for _, p := range pairs {
		m := screening.Compare(prints[p.A], prints[p.B])
		t.Logf("%-45s same=%v similar=%v ident=%q score=%.2f visual=%.2f audio=%.2f A %.1f-%.1f B %.1f-%.1f", p.Case, p.Same, m.Similar(), m.Identical, m.Score, m.Visual, m.Audio, m.AStart, m.AEnd, m.BStart, m.BEnd)
	}
}
