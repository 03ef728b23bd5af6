package friction_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/friction"
	"github.com/tryout/tryout/internal/signing"
	"github.com/tryout/tryout/internal/testkit"
)

func TestLeadingZeroBits(t *testing.T) {
	for _, tc := range []struct {
		b    []byte
		want int
	}{{[]byte{0x80}, 0}, {[]byte{0x01}, 7}, {[]byte{0, 0x10}, 11}, {[]byte{0, 0}, 16}} {
		if got := friction.LeadingZeroBits(tc.b); got != tc.want {
			t.Errorf("%x: %d, want %d", tc.b, got, tc.want)
		}
	}
}

func TestChallenge(t *testing.T) {
	k := testkit.New(t)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	c := &friction.Challenger{Signer: signing.New([]byte("0123456789abcdef0123456789abcdef")), Redis: k.Redis, Difficulty: 12, TTL: 5 * time.Minute,
		Now: func() time.Time { return now }}
	ctx := context.Background()
	ch := c.Issue("d:fan|en_a")
	nonce := friction.Solve(ch)
	if err := c.Verify(ctx, "d:fan|en_b", ch.Token, nonce); !errors.Is(err, friction.ErrInvalid) {
		t.Errorf("answer for another subject: %v", err)
	}
	bad := "x"
	for friction.Solves(ch.Token, bad, ch.Difficulty) {
		bad += "x"
	}
	if err := c.Verify(ctx, "d:fan|en_a", ch.Token, bad); !errors.Is(err, friction.ErrInvalid) {
		t.Errorf("wrong nonce: %v", err)
	}
	if err := c.Verify(ctx, "d:fan|en_a", ch.Token, nonce); err != nil {
		t.Fatalf("right answer: %v", err)
	}
	if err := c.Verify(ctx, "d:fan|en_a", ch.Token, nonce); !errors.Is(err, friction.ErrUsed) {
		t.Errorf("the same answer twice: %v", err)
	}
	// Challenged again at once (voting twice in a row): a fresh token, not
	// the one already spent.
	again := c.Issue("d:fan|en_a")
	if again.Token == ch.Token {
		t.Fatal("a second challenge in the same second repeats the spent token")
	}
	if err := c.Verify(ctx, "d:fan|en_a", again.Token, friction.Solve(again)); err != nil {
		t.Errorf("the second challenge's answer: %v", err)
	}
	late := c.Issue("d:fan|en_a")
	lateNonce := friction.Solve(late)
	now = now.Add(6 * time.Minute)
	if err := c.Verify(ctx, "d:fan|en_a", late.Token, lateNonce); !errors.Is(err, friction.ErrInvalid) {
		t.Errorf("expired challenge: %v", err)
	}
	// Lowering the difficulty in a forged token breaks its signature.
	if err := c.Verify(ctx, "d:fan|en_a", late.Token[:len(late.Token)-3]+"abc", lateNonce); !errors.Is(err, friction.ErrInvalid) {
		t.Errorf("tampered token: %v", err)
	}
}
