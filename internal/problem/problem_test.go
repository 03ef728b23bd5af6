package problem

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tryout/tryout/internal/i18n"
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

func TestTextIn(t *testing.T) {
	errIllegal := errors.New("illegal")
	err := fmt.Errorf("wrapped: %w", New(errIllegal, "This entry cannot do that while it is %s.", Word("in review")))
	if got := TextIn(i18n.ES, err, "?"); got != "Esta participación no puede hacer eso mientras está en estado «en revisión»." {
		t.Errorf("TextIn(es) = %q", got)
	}
	if got := TextIn(i18n.EN, err, "?"); got != "This entry cannot do that while it is in review." {
		t.Errorf("TextIn(en) = %q", got)
	}
	if got := TextIn(i18n.ES, errors.New("internal"), "Give a body."); got != "Escribe el cuerpo del mensaje." {
		t.Errorf("TextIn default = %q, want the default in Spanish", got)
	}
}
