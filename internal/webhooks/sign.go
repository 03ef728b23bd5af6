package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/problem"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a random 32-byte secret as whsec_<base64>.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKey is the HMAC key of a whsec_ secret: its base64 part, decoded.
func secretKey(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(k) == 0 {
		return nil, problem.New(ErrInvalid, "The secret is not whsec_ and base64.")
	}
	return k, nil
}

// Sign returns the webhook-signature value for one message: "v1,<base64
// HMAC-SHA256 of id.timestamp.body>" for each secret, space-separated.
func Sign(id string, at time.Time, body []byte, secrets ...string) (string, error) {
	ts := strconv.FormatInt(at.Unix(), 10)
	var sigs []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		k, err := secretKey(s)
		if err != nil {
			return "", err
		}
		m := hmac.New(sha256.New, k)
		m.Write([]byte(id + "." + ts + "."))
		m.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	}
	return strings.Join(sigs, " "), nil
}

// signers are the secrets that sign at now: the current one, and the
// previous one during its grace period.
func (e Endpoint) signers(now time.Time) []string {
	if e.PrevSecret != "" && now.Before(e.PrevUntil) {
		return []string{e.Secret, e.PrevSecret}
	}
	return []string{e.Secret}
}
