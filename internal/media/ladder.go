package media

import (
	"fmt"
	"math"
)

// Rung is one rendition of the adaptive ladder.
type Rung struct {
	Name          string // "720p"
	Width, Height int    // even, aspect kept, never above the source
	VideoKbps     int
	MaxKbps       int // peak rate for VBV
	BufKbps       int
}

// ladderHeights are the rungs offered, lowest first.
var ladderHeights = []int{360, 480, 720, 1080}

// bitsPerPixel by rung height: smaller pictures need more bits per pixel
// for the same quality (PeerTube uses 0.10 at 1080p and 0.11 at 720p).
func bitsPerPixel(h int) float64 {
	switch {
	case h >= 1080:
		return 0.10
	case h >= 720:
		return 0.11
	case h >= 480:
		return 0.12
	}
	return 0.13
}

// MaxLadderFPS caps the frame rate of every rendition.
const MaxLadderFPS = 30

// rungTolerance: a source this much smaller than a rung still gets it, at
// its own size (a 1918x1078 export is a 1080p video, not a 720p one).
const rungTolerance = 0.03

// PlanLadder picks the rungs for a source: every standard height up to the
// source's displayed height (never upscaling; a source within
// rungTolerance of a rung gets that rung at its own size), or a single
// rung at the source's own size when it is smaller than the lowest.
// Widths follow the displayed aspect ratio (after rotation) and are even,
// as H.264 needs.
func PlanLadder(p Probe) []Rung {
	w, h := p.DisplaySize()
	if w <= 0 || h <= 0 {
		return nil
	}
	fps := p.FrameRate
	if fps <= 0 || fps > MaxLadderFPS {
		fps = MaxLadderFPS
	}
	short := min(w, h) // for portrait video the rung names the short side
	var rungs []Rung
	for _, target := range ladderHeights {
		if float64(target) > float64(short)*(1+rungTolerance) {
			break
		}
		rungs = append(rungs, rung(w, h, target, fps))
	}
	if len(rungs) == 0 {
		r := rung(w, h, short, fps)
		r.Name = fmt.Sprintf("%dp", min(r.Width, r.Height))
		rungs = append(rungs, r)
	}
	return rungs
}

// rung scales (w, h) so its short side is target.
func rung(w, h, target int, fps float64) Rung {
	var rw, rh int
	if w >= h {
		rh = even(float64(target))
		rw = even(float64(w) * float64(target) / float64(h))
	} else {
		rw = even(float64(target))
		rh = even(float64(h) * float64(target) / float64(w))
	}
	rw, rh = min(rw, w&^1), min(rh, h&^1) // rounding must never upscale
	kbps := int(math.Round(float64(rw*rh) * fps * bitsPerPixel(target) / 1000))
	return Rung{Name: fmt.Sprintf("%dp", target), Width: rw, Height: rh, VideoKbps: kbps, MaxKbps: kbps * 3 / 2, BufKbps: kbps * 2}
}

// even rounds to the nearest even number (H.264 needs even dimensions).
func even(x float64) int { return max(2, 2*int(math.Round(x/2))) }
