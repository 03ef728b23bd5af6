package screening

import (
	"math/bits"
	"sort"
)

// Match is the evidence that two videos show the same thing: which
// stretch of each lines up with the other, how much of the shorter video
// that stretch covers in pictures and in sound, and the combined score.
type Match struct {
	// Identical says the two are the same file ("file") or decode to the
	// same pictures and sound ("decoded"); "" when they are not.
	Identical string
	Score     float64 // 0..1: Visual, or with sound 0.75 Visual + 0.25 Audio
	Visual    float64 // share of the shorter video's pictures found, in one aligned run
	Audio     float64 // share of the shorter sound found at the same offset; -1 when not compared
	// The matching time ranges, in seconds: in the first video (A) and in
	// the second (B).
	AStart, AEnd, BStart, BEnd float64
	// moving: the matched run includes enough motion that agrees.
	moving bool
}

// Thresholds of the duplicate check, calibrated on the generated corpus
// (see docs/SCREENING.md).
const (
	// SimilarScore is the score at or over which two videos go to a person
	// with the evidence, provided at least MinVisual of the pictures match.
	SimilarScore = 0.6
	MinVisual    = 0.5
	// dctMin and blocksMin decide whether two sampled pictures are the
	// same: how alike their low frequencies and their blocks must be.
	dctMin    = 0.75
	blocksMin = 0.75
	// gapSeconds of unmatched pictures may interrupt one aligned run
	// (a glitch, a re-encode's blur), no more.
	gapSeconds = 1.0
	// minJudged is how many seconds of pictures that are not flat each
	// video needs before its pictures are compared at all.
	minJudged = 2.0
	// audioBER is the highest mean bit error rate over a second of
	// Chromaprint items that still counts as the same sound.
	audioBER = 0.3
	// maxMeanShift and maxSpreadRatio bound how much brighter and how much
	// more contrasted one picture may be than the other and still be the
	// same (a re-encode shifts them by a few grey levels).
	maxMeanShift   = 24
	maxSpreadRatio = 1.25
	// minMovingSeconds: a match must include at least this much motion
	// that agrees in both videos. Still pictures alone (a test card, a
	// title) are too weak a proof: two different stills can look alike,
	// and only an exact copy of a video that never moves is caught.
	minMovingSeconds = 1.0
	// motionAgrees is the motion likeness at which a moving match counts.
	motionAgrees = 0.5
)

// Similar reports whether the match should go to a person.
func (m Match) Similar() bool {
	return m.Identical != "" || (m.Score >= SimilarScore && m.Visual >= MinVisual && m.moving)
}

// Compare lines the two fingerprints up in time and measures how much of
// the shorter one the other contains.
func Compare(a, b Fingerprint) Match {
	m := Match{Audio: -1}
	switch {
	case a.FileHash != "" && a.FileHash == b.FileHash:
		m.Identical = "file"
	case a.VideoHash != "" && a.VideoHash == b.VideoHash && sameSound(a, b):
		m.Identical = "decoded"
	}
	if m.Identical != "" {
		m.Score, m.Visual = 1, 1
		m.AEnd, m.BEnd = float64(len(a.Frames))/max(a.Rate, 1), float64(len(b.Frames))/max(b.Rate, 1)
		return m
	}
	if a.Rate <= 0 || a.Rate != b.Rate {
		return m
	}
	judged := min(informative(a.Frames), informative(b.Frames))
	if float64(judged) < minJudged*a.Rate {
		return m
	}
	best := run{}
	for _, vs := range viewPairs {
		pr := newPairing(a.Frames, b.Frames, vs[0], vs[1])
		for _, off := range pr.candidateOffsets() {
			if r := pr.alignedRun(off, int(gapSeconds*a.Rate)); r.strength > best.strength {
				best = r
			}
		}
	}
	if best.matched == 0 {
		return m
	}
	m.Visual = min(1, float64(best.matched)/float64(judged))
	m.moving = float64(best.moving) >= minMovingSeconds*a.Rate
	m.AStart, m.AEnd = float64(best.from)/a.Rate, float64(best.to+1)/a.Rate
	m.BStart = max(0, float64(best.from-best.offset)/a.Rate)
	m.BEnd = min(float64(len(b.Frames)), float64(best.to+1-best.offset)) / a.Rate
	m.Score = m.Visual
	if len(a.Audio) > 0 && len(b.Audio) > 0 && a.AudioRate > 0 && a.AudioRate == b.AudioRate {
		m.Audio = audioCoverage(a.Audio, b.Audio, float64(best.offset)/a.Rate*a.AudioRate, a.AudioRate)
		m.Score = 0.75*m.Visual + 0.25*m.Audio
	}
	return m
}

func informative(fs []Frame) int {
	n := 0
	for _, f := range fs {
		if !f.Flat {
			n++
		}
	}
	return n
}

// viewPairs are the crops compared: same crop in both, or one video's
// wider crop against the other's narrower one (a cropped copy's centre is
// the original's narrower centre).
var viewPairs = [][2]int{{0, 0}, {1, 0}, {0, 1}, {2, 0}, {0, 2}}

// pairing compares the pictures of A at one crop with those of B at
// another. Besides likeness it knows each picture's motion (how its
// blocks changed since the previous sample), which tells the true offset
// from a wrong one when most of the picture stands still.
type pairing struct {
	a, b   []Frame
	va, vb int
	ma, mb [][16]int8
	movesA []bool
	movesB []bool
}

func newPairing(a, b []Frame, va, vb int) *pairing {
	p := &pairing{a: a, b: b, va: va, vb: vb}
	p.ma, p.movesA = motion(a, va)
	p.mb, p.movesB = motion(b, vb)
	return p
}

// motion is each sample's block change over the last motionSamples
// samples (slow motion adds up), and whether it is large enough to mean
// anything.
func motion(fs []Frame, v int) ([][16]int8, []bool) {
	m, moves := make([][16]int8, len(fs)), make([]bool, len(fs))
	for i := motionSamples; i < len(fs); i++ {
		var energy int
		for k := range m[i] {
			d := int(fs[i].Views[v].Blocks[k]) - int(fs[i-motionSamples].Views[v].Blocks[k])
			m[i][k] = int8(max(-127, min(127, d)))
			energy += d * d
		}
		moves[i] = energy >= 16*minMotion*minMotion
	}
	return m, moves
}

// minMotion is the mean block change (in scaled grey levels) under which
// a sample counts as still; motionSamples is the span motion is measured
// over (a second at media.SignalRate).
const (
	minMotion     = 1.5
	motionSamples = 4
)

// like decides whether A's picture i and B's picture j are the same, and
// how strongly: their likeness, plus how alike their motion is (0 when
// either stands still); moving says that motion agrees.
func (p *pairing) like(i, j int) (same bool, strength float64, moving bool) {
	x, y := &p.a[i], &p.b[j]
	if x.Flat || y.Flat {
		return false, 0, false
	}
	vx, vy := &x.Views[p.va], &y.Views[p.vb]
	if abs(int(vx.Mean)-int(vy.Mean)) > maxMeanShift || ratio(vx.Spread, vy.Spread) > maxSpreadRatio {
		return false, 0, false
	}
	bl := cosine(vx.Blocks[:], vy.Blocks[:])
	if bl < blocksMin {
		return false, 0, false
	}
	d := cosine(vx.DCT[:], vy.DCT[:])
	if d < dctMin {
		return false, 0, false
	}
	strength = min(bl, d)
	if p.movesA[i] && p.movesB[j] {
		mc := max(0, cosine(p.ma[i][:], p.mb[j][:]))
		strength += mc
		moving = mc >= motionAgrees
	}
	return true, strength, moving
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ratio is the larger of two spreads over the smaller (1 for two flat ones).
func ratio(a, b uint8) float64 {
	lo, hi := float64(min(a, b)), float64(max(a, b))
	return (hi + 1) / (lo + 1)
}

// sameSound reports whether two videos with the same pictures also have
// the same sound: none in either, the same decoded samples, or the same
// acoustic fingerprint item for item over the whole length, give or take
// an item or two (containers trim an encoder's priming samples
// differently, so a remux may not decode to the very same samples).
func sameSound(a, b Fingerprint) bool {
	switch {
	case a.AudioHash == b.AudioHash:
		return true
	case a.AudioHash == "" || b.AudioHash == "" || len(a.Audio) == 0 || len(b.Audio) == 0:
		return false
	}
	longer := max(len(a.Audio), len(b.Audio))
	for d := -2; d <= 2; d++ {
		errs, n := 0, 0
		for i := max(0, d); i < len(a.Audio) && i-d < len(b.Audio); i++ {
			errs += bits.OnesCount32(a.Audio[i] ^ b.Audio[i-d])
			n++
		}
		if n >= longer-4 && float64(errs) <= 0.05*float64(32*n) {
			return true
		}
	}
	return false
}

// candidateOffsets votes: every pair of matching pictures votes for the
// offset (index in A minus index in B) that lines them up, with its
// strength. The best-supported offsets are worth aligning in full.
func (p *pairing) candidateOffsets() []int {
	votes := map[int]float64{}
	for i := range p.a {
		if p.a[i].Flat {
			continue
		}
		for j := range p.b {
			if ok, s, _ := p.like(i, j); ok {
				votes[i-j] += s
			}
		}
	}
	type cand struct {
		off int
		n   float64
	}
	var cs []cand
	for off := range votes {
		cs = append(cs, cand{off, votes[off-1] + votes[off] + votes[off+1]})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].n > cs[j].n || (cs[i].n == cs[j].n && cs[i].off < cs[j].off) })
	var out []int
	for _, c := range cs[:min(candidates, len(cs))] {
		out = append(out, c.off)
	}
	return out
}

// candidates is how many offsets are aligned in full per pairing.
const candidates = 5

// run is a stretch of A (from..to, sample indexes) lining up with B at
// offset (B index = A index - offset), with matched pictures in it.
type run struct {
	from, to, offset, matched int
	moving                    int     // matches whose motion agrees
	strength                  float64 // the matches' summed likeness: the true offset is the strongest
}

// alignedRun finds the strongest run at one offset: pictures of A that
// match B's picture at the same time (or a neighbour, for trims that fall
// between samples), interrupted by at most gap unmatched pictures in a
// row. Flat pictures neither match nor break a run.
func (p *pairing) alignedRun(off, gap int) run {
	best, cur := run{offset: off}, run{offset: off, from: -1}
	misses := 0
	for i := max(0, off-1); i < len(p.a) && i-off-1 < len(p.b); i++ {
		if p.a[i].Flat {
			continue
		}
		hit, like, moving := false, 0.0, false
		for k := -1; k <= 1; k++ {
			if j := i - off + k; j >= 0 && j < len(p.b) {
				if ok, l, mv := p.like(i, j); ok {
					hit, like, moving = true, max(like, l), moving || mv
				}
			}
		}
		switch {
		case hit:
			if cur.from < 0 {
				cur.from = i
			}
			cur.to, misses = i, 0
			cur.matched++
			cur.strength += like
			if moving {
				cur.moving++
			}
		case cur.from >= 0:
			misses++
			if misses > gap {
				cur, misses = run{offset: off, from: -1}, 0
			}
		}
		if cur.strength > best.strength {
			best = cur
		}
	}
	return best
}

// audioCoverage is the share of the shorter sound that matches the other
// near the pictures' offset (within half a second): the longest run of
// one-second windows whose mean bit error rate stays under audioBER.
func audioCoverage(a, b []uint32, off, rate float64) float64 {
	win := max(1, int(rate))
	shorter := min(len(a), len(b))
	if shorter < win {
		return 0
	}
	best := 0
	for d := int(off - rate/2); d <= int(off+rate/2); d++ {
		longest, cur := 0, 0
		for i := max(0, d); i+win <= len(a) && i-d+win <= len(b); i++ {
			errs := 0
			for k := 0; k < win; k++ {
				errs += bits.OnesCount32(a[i+k] ^ b[i-d+k])
			}
			if float64(errs)/float64(32*win) <= audioBER {
				if cur == 0 {
					cur = win
				} else {
					cur++
				}
				longest = max(longest, cur)
			} else {
				cur = 0
			}
		}
		best = max(best, longest)
	}
	return min(1, float64(best)/float64(shorter))
}
