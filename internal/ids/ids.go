// Package ids makes random, unguessable identifiers for public URLs.
package ids

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

var enc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// New returns prefix followed by 26 random base32 characters (130 bits).
func New(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return prefix + enc.EncodeToString(b[:])
}

// FromBytes returns prefix followed by b in the alphabet New uses; with 16
// bytes the result is Valid (for ids derived from a key, not random).
func FromBytes(prefix string, b []byte) string { return prefix + enc.EncodeToString(b) }

// Valid reports whether s looks like an id made by New with prefix, so
// handlers can refuse junk before it reaches the database.
func Valid(prefix, s string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok || len(rest) != 26 {
		return false
	}
	for _, r := range rest {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}
