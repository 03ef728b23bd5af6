package entries

import (
	"errors"
	"strings"
	"testing"
)

func TestAppealRulesAndExplanations(t *testing.T) {
	decided := func(to Status, auto bool, code string) Entry {
		return Entry{Status: to, History: []StatusChange{{To: Received}, {From: Received, To: Processing}, {From: Processing, To: to, Auto: auto, Code: code}}}
	}
	appealed := decided(Rejected, true, CodeDuplicate)
	appealed.Status = InReview
	appealed.History = append(appealed.History, StatusChange{From: Rejected, To: InReview, Code: CodeAppeal})
	tests := []struct {
		name    string
		e       Entry
		err     error
		by      string
		meaning string
	}{
		{"automatic refusal", decided(Rejected, true, CodeBlack), nil, "automatic_check", "automatic check did not accept"},
		{"automatic failure", decided(Failed, true, CodeNotVideo), nil, "automatic_check", "could not process"},
		{"too long is no processing failure", decided(Failed, true, CodeTooLong), nil, "automatic_check", "length does not fit"},
		{"a person's refusal", decided(Rejected, false, ""), ErrDecidedByPerson, "campaign_team", "campaign team looked"},
		{"automatic approval", decided(Live, true, CodeScreened), ErrNotAppealable, "automatic_check", "passed the automatic checks"},
		{"in review", decided(InReview, true, CodeScreened), ErrNotAppealable, "", "waiting for review"},
		{"appealed", appealed, ErrAppealed, "", "asked a person to look"},
	}
	for _, tt := range tests {
		if err := tt.e.CheckAppeal(); !errors.Is(err, tt.err) {
			t.Errorf("%s: CheckAppeal = %v, want %v", tt.name, err, tt.err)
		}
		if by := tt.e.DecidedBy(); by != tt.by {
			t.Errorf("%s: DecidedBy = %q, want %q", tt.name, by, tt.by)
		}
		if meaning, _ := tt.e.Explain(); !strings.Contains(meaning, tt.meaning) {
			t.Errorf("%s: Explain = %q, want it to say %q", tt.name, meaning, tt.meaning)
		}
	}
	if d := appealed.AppealedDecision(); d.To != Rejected || d.Code != CodeDuplicate {
		t.Errorf("AppealedDecision = %+v", d)
	}
}
