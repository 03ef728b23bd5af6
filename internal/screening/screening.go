// Package screening judges an entry automatically before a person does:
// findings with evidence (time codes, values), then a decision: reject with
// a reason, send to review with flags, or approve when the campaign allows.
package screening

import (
	"fmt"
	"math/bits"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Finding kinds.
const (
	Black     = "black"
	Frozen    = "frozen"
	Silence   = "silence"
	TooShort  = "too_short"
	Duplicate = "duplicate"
	Words     = "blocked_words"
	External  = "external"
	// CountryMismatch: the country a trusted proxy saw differs from the
	// one the entrant declared; a person always looks.
	CountryMismatch = "country_mismatch"
)

// Finding is one thing screening noticed, with its evidence.
type Finding struct {
	Kind   string
	Detail string  // for people: "black from 0:00 to 0:02"
	Start  float64 // seconds into the video, when it applies
	End    float64
	Value  float64 // the measure: seconds, distance, share of the video
}

// Mode is the campaign's moderation mode.
type Mode string

// Moderation modes.
const (
	ReviewAll        Mode = "review_all"
	AutoApproveClean Mode = "auto_approve_clean"
	AutoApproveAll   Mode = "auto_approve_all"
)

// Verdict is what screening decided.
type Verdict string

// Verdicts.
const (
	Reject  Verdict = "reject"
	Review  Verdict = "review"
	Approve Verdict = "approve"
)

// Decision is the verdict and, for a rejection, the reason the entrant reads.
type Decision struct {
	Verdict Verdict
	Reason  string
}

// Thresholds for automatic rejection.
const (
	// RejectBlackShare: a video black for this share of its length shows nothing.
	RejectBlackShare = 0.9
	// DuplicateDistance: mean Hamming distance (of 64) at or under which two
	// videos are the same; reject at or under RejectDistance.
	DuplicateDistance = 10
	RejectDistance    = 4
)

// Decide turns findings into a decision under the campaign's mode.
func Decide(mode Mode, duration float64, findings []Finding) Decision {
	black, person := 0.0, false
	for _, f := range findings {
		if f.Kind == Black {
			black += f.Value
		}
		person = person || f.Kind == CountryMismatch
		if f.Kind == Duplicate && f.Value <= RejectDistance {
			return Decision{Reject, "Your video is the same as one already entered in this contest. Each entry needs its own video."}
		}
	}
	if duration > 0 && black/duration >= RejectBlackShare {
		return Decision{Reject, "Your video is black from start to end. Check the export and upload it again."}
	}
	switch {
	case person:
	case mode == AutoApproveAll:
		return Decision{Verdict: Approve}
	case mode == AutoApproveClean && len(findings) == 0:
		return Decision{Verdict: Approve}
	}
	return Decision{Verdict: Review}
}

// leet maps the digits and signs people use for letters.
var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "8", "b", "@", "a", "$", "s")

// Normalize folds text for matching: lower case, accents removed, leetspeak
// read as letters, anything else but letters turned into spaces.
func Normalize(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, strings.ToLower(s))
	if err != nil {
		folded = strings.ToLower(s)
	}
	folded = leet.Replace(folded)
	return strings.Join(strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) }), " ")
}

// BlockedWords finds campaign-blocked words or phrases in the texts, as
// whole words after normalising both sides, so "Sc@m" matches "scam" but
// "scampi" does not.
func BlockedWords(blocked []string, texts ...string) []Finding {
	hay := " " + Normalize(strings.Join(texts, " ")) + " "
	var out []Finding
	seen := map[string]bool{}
	for _, b := range blocked {
		w := Normalize(b)
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		// Whole-word match, or the word spelled with spaces between letters.
		if strings.Contains(hay, " "+w+" ") || (len(w) >= 4 && !strings.Contains(w, " ") && spacedOut(hay, w)) {
			out = append(out, Finding{Kind: Words, Detail: fmt.Sprintf("title or description contains %q", b)})
		}
	}
	return out
}

// spacedOut reports whether w appears with single letters separated by
// spaces ("s c a m").
func spacedOut(hay, w string) bool {
	var b strings.Builder
	for i, r := range w {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.Contains(hay, " "+b.String()+" ")
}

// Distance is the mean Hamming distance between two fingerprints (lists of
// 64-bit frame hashes sampled at the same relative positions), or 64 when
// they cannot be compared.
func Distance(a, b []uint64) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return 64
	}
	total := 0
	for i := 0; i < n; i++ {
		total += bits.OnesCount64(a[i] ^ b[i])
	}
	return float64(total) / float64(n)
}

// DHash computes a 64-bit difference hash from a 9x8 grayscale image (each
// bit says whether a pixel is brighter than its right neighbour), which
// survives re-encoding and rescaling.
func DHash(gray []byte) uint64 {
	var h uint64
	if len(gray) < 72 {
		return 0
	}
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			h <<= 1
			if gray[y*9+x] > gray[y*9+x+1] {
				h |= 1
			}
		}
	}
	return h
}

// Clock writes seconds as m:ss for findings people read.
func Clock(s float64) string {
	t := int(s + 0.5)
	return fmt.Sprintf("%d:%02d", t/60, t%60)
}
