package screening

import (
	"testing"
)

func TestBlockedWords(t *testing.T) {
	t.Parallel()
	blocked := []string{"scam", "free money", "Crème"}
	tests := []struct {
		text string
		want int
	}{
		{"Totally legit kickflip", 0},
		{"This is a SCAM", 1},
		{"sc4m alert", 1},
		{"$c@m", 1},
		{"s c a m", 1},
		{"scampi for dinner", 0},
		{"FREE   money!!", 1},
		{"fr33 m0ney", 1},
		{"creme brulee", 1},
		{"scam and free money", 2},
	}
	for _, tt := range tests {
		if got := BlockedWords(blocked, tt.text); len(got) != tt.want {
			t.Errorf("%q: %d findings %v, want %d", tt.text, len(got), got, tt.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("Crème BRÛLÉE 4 $ale")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q", s, n, Normalize(n))
		}
	})
}

func TestDecide(t *testing.T) {
	t.Parallel()
	black := Finding{Kind: Black, Value: 9.5}
	brief := Finding{Kind: Black, Value: 1}
	dup := Finding{Kind: Duplicate, Value: 1}
	near := Finding{Kind: Similar, Value: 0.9}
	tests := []struct {
		mode     Mode
		findings []Finding
		want     Verdict
	}{
		{ReviewAll, nil, Review},
		{AutoApproveClean, nil, Approve},
		{AutoApproveClean, []Finding{brief}, Review},
		{AutoApproveAll, []Finding{brief}, Approve},
		{AutoApproveAll, []Finding{near}, Review}, // merely similar: always a person
		{AutoApproveAll, []Finding{brief, near}, Review},
		{AutoApproveAll, []Finding{black}, Reject},
		{ReviewAll, []Finding{dup}, Reject}, // an exact copy
		{ReviewAll, []Finding{near}, Review},
		{ReviewAll, []Finding{{Kind: Black, Value: 5}, {Kind: Black, Value: 4.5}}, Reject}, // black in two stretches
	}
	for _, tt := range tests {
		d := Decide(tt.mode, 10, tt.findings)
		if d.Verdict != tt.want || (d.Verdict == Reject) != (d.Reason != "") || (d.Verdict == Reject) != (d.Code != "") {
			t.Errorf("Decide(%s, %v) = %+v, want %s", tt.mode, tt.findings, d, tt.want)
		}
	}
	if Clock(61.6) != "1:02" {
		t.Errorf("Clock(61.6) = %s", Clock(61.6))
	}
}
