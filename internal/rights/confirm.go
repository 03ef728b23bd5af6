package rights

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/signing"
)

// purposeDelete keeps a deletion link from passing as a sign-in link or a
// session, and the reverse.
const purposeDelete = "entrant-delete-account"

// Links issues and redeems the emailed links that confirm a deletion:
// signed, expiring, and usable once (the nonce is claimed by inserting a
// unique key, as sign-in links are).
type Links struct {
	Signer signing.Signer
	TTL    time.Duration
	Claims interface {
		ClaimLink(ctx context.Context, nonce string, expires, now time.Time) error
	}
}

type deleteClaims struct {
	EntrantID string `json:"i"`
	Expires   int64  `json:"x"`
	Nonce     string `json:"n"`
}

// Issue returns a link token for the entrant.
func (l Links) Issue(entrantID string, now time.Time) string {
	var n [16]byte
	_, _ = rand.Read(n[:])
	b, _ := json.Marshal(deleteClaims{EntrantID: entrantID, Expires: now.Add(l.TTL).Unix(), Nonce: hex.EncodeToString(n[:])})
	return l.Signer.Sign(purposeDelete, b)
}

// Check returns the entrant a token is for, without using it up (the page
// that asks for the final press).
func (l Links) Check(token string, now time.Time) (string, error) {
	c, err := l.parse(token, now)
	return c.EntrantID, err
}

// Redeem checks the token and uses it up.
func (l Links) Redeem(ctx context.Context, token string, now time.Time) (string, error) {
	c, err := l.parse(token, now)
	if err != nil {
		return "", err
	}
	if err := l.Claims.ClaimLink(ctx, "delete:"+c.Nonce, time.Unix(c.Expires, 0), now); errors.Is(err, entrants.ErrLinkUsed) {
		return "", ErrLinkUsed
	} else if err != nil {
		return "", err
	}
	return c.EntrantID, nil
}

func (l Links) parse(token string, now time.Time) (deleteClaims, error) {
	b, err := l.Signer.Verify(purposeDelete, token)
	if err != nil {
		return deleteClaims{}, ErrLinkInvalid
	}
	var c deleteClaims
	if err := json.Unmarshal(b, &c); err != nil || c.EntrantID == "" || c.Nonce == "" {
		return deleteClaims{}, ErrLinkInvalid
	}
	if !now.Before(time.Unix(c.Expires, 0)) {
		return deleteClaims{}, ErrLinkExpired
	}
	return c, nil
}
