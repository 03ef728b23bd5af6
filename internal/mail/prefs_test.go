package mail_test

import (
	"errors"
	"testing"

	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/signing"
)

func TestPrefsAllow(t *testing.T) {
	p := mail.Prefs{}.Unsubscribe(mail.KindDecision)
	if p.Allows(mail.KindDecision) || !p.Allows(mail.KindEntryReceived) || !p.Allows(mail.KindLoginLink) {
		t.Errorf("one kind off: %+v", p)
	}
	all := p.Unsubscribe("")
	if all.Allows(mail.KindEntryReceived) || !all.Allows(mail.KindLoginLink) {
		t.Errorf("all off must still allow sign-in links: %+v", all)
	}
	if _, err := mail.ParseKinds([]string{"entry_received", "login_link"}); !errors.Is(err, mail.ErrUnknownKind) {
		t.Errorf("sign-in links cannot be turned off: %v", err)
	}
}

func TestUnsubscribeToken(t *testing.T) {
	s := signing.New([]byte("0123456789abcdef0123456789abcdef"))
	tok := mail.UnsubscribeToken(s, "et_1", mail.KindDecision)
	if id, k, err := mail.ParseUnsubscribe(s, tok); err != nil || id != "et_1" || k != mail.KindDecision {
		t.Fatalf("round trip: %s %s %v", id, k, err)
	}
	other := signing.New([]byte("another key, also thirty-two bytes"))
	for _, bad := range []string{"", tok[:len(tok)-1], tok + "x", mail.UnsubscribeToken(other, "et_1", mail.KindDecision),
		s.Sign("session", []byte("et_1|entry_decision")), mail.UnsubscribeToken(s, "et_1", "login_link"), mail.UnsubscribeToken(s, "", "")} {
		if _, _, err := mail.ParseUnsubscribe(s, bad); !errors.Is(err, mail.ErrBadUnsubscribe) {
			t.Errorf("token %q accepted: %v", bad, err)
		}
	}
}
