package app

import (
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	t.Parallel()
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)

	TuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != GCPercent {
		t.Errorf("GOGC unset: GC percent %d, want %d", got, GCPercent)
	}
	TuneGC(func(k string) string {
		if k == "GOGC" {
			return "150"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: GC percent changed to %d, want it left alone", got)
	}
}
