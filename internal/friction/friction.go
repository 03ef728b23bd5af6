// Package friction asks a client that looks automated to do some work
// before its request counts, instead of silently blocking it: a
// proof-of-work challenge served and checked by Tryout itself (no third
// party). A person's browser solves it in about a second; a bot voting
// thousands of times pays that each time.
package friction

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tryout/tryout/internal/signing"
)

// Errors callers can test with errors.Is.
var (
	ErrInvalid = errors.New("friction: challenge answer invalid, expired or for another request")
	ErrUsed    = errors.New("friction: challenge already used")
)

// Challenger issues and checks proof-of-work challenges.
type Challenger struct {
	Signer     signing.Signer
	Redis      *redis.Client
	Difficulty int           // leading zero bits of SHA-256(token ":" nonce); 16 is about 65k hashes
	TTL        time.Duration // how long a challenge may be answered
	Now        func() time.Time
}

// Challenge is what the client must solve.
type Challenge struct {
	Token      string `json:"token"`
	Difficulty int    `json:"difficulty"`
}

// Issue returns a challenge bound to subject (the request it unlocks, such
// as voter and entry). Every challenge is new, even for the same subject
// in the same second: an answer is used up once, and a client challenged
// again (it votes twice in a row, or retries) must not get back a token it
// has already spent.
func (c *Challenger) Issue(subject string) Challenge {
	return c.IssueBits(subject, c.Difficulty)
}

// IssueBits is Issue with a difficulty of its own (escalation: a harder
// puzzle for a busier address); never less than the challenger's.
func (c *Challenger) IssueBits(subject string, bits int) Challenge {
	bits = max(bits, c.Difficulty)
	var salt [9]byte
	_, _ = rand.Read(salt[:])
	payload := subject + "|" + strconv.Itoa(bits) + "|" + strconv.FormatInt(c.Now().Add(c.TTL).Unix(), 10) + "|" + base64.RawURLEncoding.EncodeToString(salt[:])
	return Challenge{Token: c.Signer.Sign("pow", []byte(payload)), Difficulty: bits}
}

// Verify checks an answer for subject and uses it up (one request each).
func (c *Challenger) Verify(ctx context.Context, subject, token, nonce string) error {
	until, _, err := c.Check(subject, token, nonce)
	if err != nil {
		return err
	}
	fresh, err := c.Redis.SetNX(ctx, UsedKey(token), 1, until.Sub(c.Now())+time.Minute).Result()
	if err != nil {
		return fmt.Errorf("friction: %w", err)
	}
	if !fresh {
		return ErrUsed
	}
	return nil
}

// Check checks an answer for subject (signature, subject, expiry and
// work) without using it up, and returns when the challenge expires and
// how much work it proves (its difficulty). The caller must use it up
// before it counts: Verify does, or a caller that writes UsedKey(token)
// with SET NX in its own script.
func (c *Challenger) Check(subject, token, nonce string) (until time.Time, bits int, err error) {
	payload, err := c.Signer.Verify("pow", token)
	if err != nil {
		return time.Time{}, 0, ErrInvalid
	}
	parts := strings.Split(string(payload), "|") // subject (may hold "|"), difficulty, expiry, salt
	if len(parts) < 4 {
		return time.Time{}, 0, ErrInvalid
	}
	n := len(parts) - 3
	difficulty, err1 := strconv.Atoi(parts[n])
	exp, err2 := strconv.ParseInt(parts[n+1], 10, 64)
	if err1 != nil || err2 != nil || strings.Join(parts[:n], "|") != subject || c.Now().Unix() > exp {
		return time.Time{}, 0, ErrInvalid
	}
	if len(nonce) == 0 || len(nonce) > 32 || !Solves(token, nonce, difficulty) {
		return time.Time{}, 0, ErrInvalid
	}
	return time.Unix(exp, 0), difficulty, nil
}

// UsedKey is the Redis key that marks a challenge answer as used.
func UsedKey(token string) string { return "pow:used:" + token }

// Solves reports whether SHA-256(token ":" nonce) starts with difficulty
// zero bits.
func Solves(token, nonce string, difficulty int) bool {
	sum := sha256.Sum256([]byte(token + ":" + nonce))
	return LeadingZeroBits(sum[:]) >= difficulty
}

// LeadingZeroBits counts the zero bits at the start of b.
func LeadingZeroBits(b []byte) int {
	n := 0
	for _, x := range b {
		if x != 0 {
			return n + bits.LeadingZeros8(x)
		}
		n += 8
	}
	return n
}

// Solve finds a nonce for a challenge (tests and scripts; browsers run the
// same loop in JavaScript).
func Solve(ch Challenge) string {
	for i := 0; ; i++ {
		nonce := strconv.Itoa(i)
		if Solves(ch.Token, nonce, ch.Difficulty) {
			return nonce
		}
	}
}

// Pages signs the moment a page was served, so a later request can tell
// how long after the page view it came (a vote within two seconds of the
// page loading, or with no page view at all, looks automated).
type Pages struct {
	Signer signing.Signer
	Now    func() time.Time
}

// Token is the page-view token for a page about subject (an entry).
func (p Pages) Token(subject string) string {
	return p.Signer.Sign("page", []byte(subject+"|"+strconv.FormatInt(p.Now().UnixMilli(), 10)))
}

// Since returns how long ago the token's page was served, if the token is
// valid for subject and less than a day old.
func (p Pages) Since(token, subject string) (time.Duration, bool) {
	payload, err := p.Signer.Verify("page", token)
	if err != nil {
		return 0, false
	}
	s, ms, ok := strings.Cut(string(payload), "|")
	at, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || s != subject {
		return 0, false
	}
	d := p.Now().Sub(time.UnixMilli(at))
	if d < 0 || d > 24*time.Hour {
		return 0, false
	}
	return d, true
}
