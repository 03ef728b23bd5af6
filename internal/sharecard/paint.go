package sharecard

import (
	"image"
	"image/color"
	"math"
	"strconv"
)

// parseHex reads #rrggbb, or returns def.
func parseHex(s string, def color.RGBA) color.RGBA {
	if len(s) != 7 || s[0] != '#' {
		return def
	}
	n, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return def
	}
	return color.RGBA{uint8(n >> 16), uint8(n >> 8), uint8(n), 0xff}
}

// shade darkens c by f (0..1: the share of brightness kept).
func shade(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), 0xff}
}

// luminance is the WCAG relative luminance of c.
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// inkFor picks text colours that read on bg: white on dark colours,
// near-black on light ones (whichever contrasts more).
func inkFor(bg color.RGBA) (ink, soft color.RGBA) {
	l := luminance(bg)
	if (1.05)/(l+0.05) >= (l+0.05)/(0.05) {
		return color.RGBA{0xff, 0xff, 0xff, 0xff}, color.RGBA{0xf0, 0xf0, 0xf6, 0xff}
	}
	return color.RGBA{0x14, 0x14, 0x1a, 0xff}, color.RGBA{0x2c, 0x2c, 0x36, 0xff}
}

// fillGradient paints dst from top to bottom, from a to b.
func fillGradient(dst *image.RGBA, a, b color.RGBA) {
	r := dst.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		t := float64(y-r.Min.Y) / float64(r.Dy())
		c := color.RGBA{mix(a.R, b.R, t), mix(a.G, b.G, t), mix(a.B, b.B, t), 0xff}
		for x := r.Min.X; x < r.Max.X; x++ {
			dst.SetRGBA(x, y, c)
		}
	}
}

func mix(a, b uint8, t float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5) }

// band darkens the bottom h pixels progressively, so white text reads on
// any poster.
func band(dst *image.RGBA, h int) {
	r := dst.Bounds()
	for y := r.Max.Y - h; y < r.Max.Y; y++ {
		t := float64(y-(r.Max.Y-h)) / float64(h)
		keep := 1 - 0.85*t*t*(3-2*t) // smoothstep: no visible edge where it starts
		for x := r.Min.X; x < r.Max.X; x++ {
			c := dst.RGBAAt(x, y)
			dst.SetRGBA(x, y, color.RGBA{uint8(float64(c.R) * keep), uint8(float64(c.G) * keep), uint8(float64(c.B) * keep), 0xff})
		}
	}
}

// blend lays c over the pixel at (x, y) with opacity a (0..1).
func blend(dst *image.RGBA, x, y int, c color.RGBA, a float64) {
	if !(image.Point{x, y}.In(dst.Bounds())) || a <= 0 {
		return
	}
	a = min(a, 1)
	o := dst.RGBAAt(x, y)
	dst.SetRGBA(x, y, color.RGBA{mix(o.R, c.R, a), mix(o.G, c.G, a), mix(o.B, c.B, a), 0xff})
}

// roundRect fills r with rounded corners of radius rad (edges smoothed).
func roundRect(dst *image.RGBA, r image.Rectangle, rad int, c color.RGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cx := min(max(x, r.Min.X+rad), r.Max.X-rad-1)
			cy := min(max(y, r.Min.Y+rad), r.Max.Y-rad-1)
			d := math.Hypot(float64(x-cx), float64(y-cy))
			blend(dst, x, y, c, float64(rad)+0.5-d)
		}
	}
}

// playMark draws a translucent round play button centred at (cx, cy).
func playMark(dst *image.RGBA, cx, cy, rad int) {
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	dark := color.RGBA{0x10, 0x10, 0x18, 0xff}
	for y := cy - rad; y <= cy+rad; y++ {
		for x := cx - rad; x <= cx+rad; x++ {
			d := math.Hypot(float64(x-cx), float64(y-cy))
			blend(dst, x, y, dark, 0.55*min(1, float64(rad)+0.5-d))
			if ring := 3 - math.Abs(d-float64(rad-2)); ring > 0 {
				blend(dst, x, y, white, min(ring, 1)*0.9)
			}
		}
	}
	// The triangle, pointing right, its centre of mass on the circle's.
	h := float64(rad) * 0.9
	w := h * 0.866
	left := float64(cx) - w/3
	for y := cy - int(h/2); y <= cy+int(h/2); y++ {
		half := (h / 2) - math.Abs(float64(y-cy))
		right := left + w*half/(h/2)
		for x := int(left); x <= int(right); x++ {
			blend(dst, x, y, white, min(1, right-float64(x)+0.5))
		}
	}
}
