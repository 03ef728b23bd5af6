package export_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/export"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/votes"
)

// heapWriter is io.Discard that samples the live heap (after a GC) every
// sampleEvery bytes written: the export's memory as it goes.
type heapWriter struct {
	written, next, sampleEvery int
	samples                    []uint64
}

func (h *heapWriter) Write(p []byte) (int, error) {
	h.written += len(p)
	if h.written >= h.next {
		h.next += h.sampleEvery
		h.samples = append(h.samples, liveHeap())
	}
	return len(p), nil
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestBallotExportOf100kRowsHasBoundedMemory streams 100,000 ballots from
// the database to a writer that keeps nothing, sampling the live heap as
// the file grows: the heap late in the export must be about what it was
// early on, far below what holding the rows would take (the CSV alone is
// over 20 MB; the ballots as Go values several times that).
func TestBallotExportOf100kRowsHasBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("inserts 100k ballots")
	}
	k := testkit.New(t)
	ctx := context.Background()
	store := votes.NewMongoBallots(k.DB.Collection(mongodb.Ballots))
	const total = 100_000
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	batch := make([]votes.Ballot, 0, 5000)
	for i := range total {
		batch = append(batch, votes.Ballot{ID: fmt.Sprintf("bl_%07d", i), Key: fmt.Sprintf("k%07d", i), CampaignID: "cp_mem", EntryID: fmt.Sprintf("en_%03d", i%500),
			Voter: fmt.Sprintf("d:%022d", i), Period: "2026-05-01", At: at,
			Signals: votes.Signals{IPHash: fmt.Sprintf("%064x", i), SubnetHash: fmt.Sprintf("%064x", i/50), Device: fmt.Sprintf("%022d", i), UAFamily: "chrome", SincePageMS: 4000}})
		if len(batch) == cap(batch) {
			for _, err := range store.InsertMany(ctx, batch) {
				if err != nil {
					t.Fatal(err)
				}
			}
			batch = batch[:0]
		}
	}
	src := export.Sources{BallotStore: store, HashVoter: func(v string) string { return fmt.Sprintf("%x", len(v)) + v }}
	h := &heapWriter{sampleEvery: 1 << 20}
	h.next = h.sampleEvery
	before := liveHeap()
	n, err := src.Ballots(ctx, h, "cp_mem")
	if err != nil || n != total {
		t.Fatalf("exported %d rows, %v", n, err)
	}
	if h.written < 20<<20 || len(h.samples) < 10 {
		t.Fatalf("the file is %d bytes with %d samples: not the export this test is about", h.written, len(h.samples))
	}
	// Compare the heap at the second tenth of the file with the highest
	// sample after it: growth with the rows would show as a rise.
	early := h.samples[len(h.samples)/10]
	var peak uint64
	for _, s := range h.samples[len(h.samples)/10:] {
		peak = max(peak, s)
	}
	growth := int64(peak) - int64(early)
	t.Logf("rows %d, file %d MB, heap before %d KB, early %d KB, peak after %d KB", n, h.written>>20, before>>10, early>>10, peak>>10)
	if limit := int64(h.written / 8); growth > limit {
		t.Errorf("the heap grew by %d KB while the export went on (limit %d KB, an eighth of the file)", growth>>10, limit>>10)
	}
	var _ io.Writer = h
}
