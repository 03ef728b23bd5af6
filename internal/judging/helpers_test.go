package judging_test

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
)

// pickByHand follows judging.Method as a reader of the winners page would.
func pickByHand(seed string, ids []string) []string {
	out := append([]string(nil), ids...)
	h := func(id string) string { s := sha256.Sum256([]byte(seed + ":" + id)); return hex.EncodeToString(s[:]) }
	sort.Slice(out, func(i, j int) bool { return h(out[i]) < h(out[j]) })
	return out
}
