package screening_test

import (
	"testing"

	"github.com/tryout/tryout/internal/screening"
)

// TestCountryMismatchNeedsAPerson: a country mismatch sends the entry to a
// person even when the campaign approves everything automatically.
func TestCountryMismatchNeedsAPerson(t *testing.T) {
	t.Parallel()
	mismatch := []screening.Finding{{Kind: screening.CountryMismatch, Detail: "declared France (FR); the network suggests Germany (DE)"}}
	for _, mode := range []screening.Mode{screening.AutoApproveAll, screening.AutoApproveClean, screening.ReviewAll} {
		if d := screening.Decide(mode, 10, mismatch); d.Verdict != screening.Review {
			t.Errorf("%s with a country mismatch: %+v", mode, d)
		}
	}
	if d := screening.Decide(screening.AutoApproveAll, 10, nil); d.Verdict != screening.Approve {
		t.Errorf("auto approve all, nothing found: %+v", d)
	}
}
