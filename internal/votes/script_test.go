package votes

import (
	"strings"
	"testing"
)

// TestGateScriptUnpacksVoteBin: the gate script reads each vote's packed
// numbers in the layout packVote writes (voteBin), and that layout is as
// long as what packVote writes.
func TestGateScriptUnpacksVoteBin(t *testing.T) {
	if !strings.Contains(gateScriptLua, "struct.unpack('"+voteBin+"'") {
		t.Errorf("gate.lua does not unpack votes as %q", voteBin)
	}
	if n := len(packVote([2]int{1, 2}, gateVote{}, 0, 0)); n != 32 {
		t.Errorf("packVote writes %d bytes, want the 32 of %s", n, voteBin)
	}
}
