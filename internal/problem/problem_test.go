package problem

import (
	"errors"
	"fmt"
	"testing"
)

func TestProblem(t *testing.T) {
	errLimit := errors.New("entry limit reached")
	err := fmt.Errorf("intake: claim slot: %w", New(errLimit, "This contest takes %d entries per person.", 2))
	if !errors.Is(err, errLimit) {
		t.Error("the sentinel is not found through the wrapping")
	}
	if got := TextOf(err, "?"); got != "This contest takes 2 entries per person." {
		t.Errorf("TextOf = %q", got)
	}
	if got := TextOf(errors.New("boom: internal detail"), "Something went wrong."); got != "Something went wrong." {
		t.Errorf("TextOf of a plain error = %q, want the default", got)
	}
}
