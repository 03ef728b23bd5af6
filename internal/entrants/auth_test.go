package entrants_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/signing"
	"github.com/tryout/tryout/internal/testkit"
)

func newAuth(t *testing.T) *entrants.Auth {
	k := testkit.New(t)
	return &entrants.Auth{
		Store:   entrants.NewMongoStore(k.DB.Collection(mongodb.Entrants), k.DB.Collection(mongodb.Claims)),
		Signer:  signing.New([]byte("test key test key test key test key")),
		LinkTTL: 15 * time.Minute, SessionTTL: time.Hour,
	}
}

func TestLinkWorksOnceAndExpires(t *testing.T) {
	a := newAuth(t)
	ctx := context.Background()
	now := time.Now()
	tok, err := a.IssueLink(" Fan@Example.COM ", "/c/summer", now)
	if err != nil {
		t.Fatal(err)
	}
	e, next, err := a.Redeem(ctx, tok, now.Add(time.Minute))
	if err != nil || e.Email != "fan@example.com" || next != "/c/summer" || e.DisplayName != "fan" {
		t.Fatalf("Redeem = %+v %q %v", e, next, err)
	}
	if _, _, err := a.Redeem(ctx, tok, now.Add(2*time.Minute)); !errors.Is(err, entrants.ErrLinkUsed) {
		t.Errorf("second use = %v, want ErrLinkUsed", err)
	}
	late, _ := a.IssueLink("fan@example.com", "", now)
	if _, _, err := a.Redeem(ctx, late, now.Add(16*time.Minute)); !errors.Is(err, entrants.ErrLinkExpired) {
		t.Errorf("after 16 minutes = %v, want ErrLinkExpired", err)
	}
	if _, _, err := a.Redeem(ctx, tok[:len(tok)-3]+"abc", now); !errors.Is(err, entrants.ErrLinkInvalid) {
		t.Errorf("tampered = %v, want ErrLinkInvalid", err)
	}
	// The same person signing in again is the same entrant.
	again, _ := a.IssueLink("FAN@example.com", "", now)
	e2, _, err := a.Redeem(ctx, again, now)
	if err != nil || e2.ID != e.ID {
		t.Errorf("second sign-in made %+v, want %s", e2, e.ID)
	}
}

func TestLinkRedeemedConcurrentlyWorksOnce(t *testing.T) {
	a := newAuth(t)
	now := time.Now()
	tok, _ := a.IssueLink("race@example.com", "", now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := a.Redeem(context.Background(), tok, now); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if !errors.Is(err, entrants.ErrLinkUsed) {
				t.Errorf("unexpected: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("%d redeemers signed in with one link, want 1", ok)
	}
}

func TestSessions(t *testing.T) {
	a := newAuth(t)
	now := time.Now()
	v := a.NewSession("et_abc", now)
	if id, err := a.ParseSession(v, now.Add(time.Minute)); err != nil || id != "et_abc" {
		t.Errorf("ParseSession = %q, %v", id, err)
	}
	if _, err := a.ParseSession(v, now.Add(2*time.Hour)); !errors.Is(err, entrants.ErrNoSession) {
		t.Errorf("expired session = %v", err)
	}
	if _, err := a.ParseSession(v+"x", now); !errors.Is(err, entrants.ErrNoSession) {
		t.Errorf("tampered session = %v", err)
	}
	link, _ := a.IssueLink("x@example.com", "", now)
	if _, err := a.ParseSession(link, now); !errors.Is(err, entrants.ErrNoSession) {
		t.Error("a sign-in link passed as a session")
	}
}

func TestSafeNextAndEmails(t *testing.T) {
	for in, want := range map[string]string{"/c/x": "/c/x", "//evil.com": "", "https://evil.com": "", "/\\evil": "", "": "", "/ok?x=1": "/ok?x=1"} {
		if got := entrants.SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", "nope", "a@b", "Name <a@b.co>", "a@@b.co"} {
		if _, err := entrants.NormalizeEmail(bad); !errors.Is(err, entrants.ErrInvalidEmail) {
			t.Errorf("NormalizeEmail(%q) = %v", bad, err)
		}
	}
}
