// Package signing makes and checks HMAC-signed tokens. A purpose string is
// mixed into every signature, so a token made for one use (a sign-in link)
// can never pass as another (a session cookie).
package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"strings"
	"sync"
)

// ErrInvalid means the token was malformed or its signature did not match.
var ErrInvalid = errors.New("invalid signature")

// Signer signs with one secret key. Copies share a pool of keyed HMAC
// states, so a signature does not set the key up again (votes take three).
type Signer struct {
	key  []byte
	macs *sync.Pool // of hash.Hash keyed with key; nil in a zero Signer
}

// New returns a Signer; key should be at least 32 random bytes.
func New(key []byte) Signer {
	k := append([]byte(nil), key...)
	return Signer{key: k, macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, k) }}}
}

var b64 = base64.RawURLEncoding

// Sign returns payload and its signature as one URL-safe string.
func (s Signer) Sign(purpose string, payload []byte) string {
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(s.mac(purpose, payload))
}

// Verify returns the payload of a token signed for purpose.
func (s Signer) Verify(purpose, token string) ([]byte, error) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return nil, ErrInvalid
	}
	payload, err1 := b64.DecodeString(p)
	mac, err2 := b64.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(purpose, payload)) {
		return nil, ErrInvalid
	}
	return payload, nil
}

// Hash returns a keyed, non-reversible hex digest of v (for IP addresses in
// audit records: comparable, but not readable).
func (s Signer) Hash(purpose, v string) string {
	return hex.EncodeToString(s.mac(purpose, []byte(v))[:16])
}

func (s Signer) mac(purpose string, payload []byte) []byte {
	var m hash.Hash
	if s.macs != nil {
		m = s.macs.Get().(hash.Hash)
		defer s.macs.Put(m)
		m.Reset()
	} else {
		m = hmac.New(sha256.New, s.key)
	}
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)
}
