// Package sharecard draws the 1200x630 images a shared link unfurls into
// (Open Graph and X cards): a campaign's card from its brand colour, logo
// and name, and an entry's card from its poster and title. It draws with
// the standard library's image/draw and golang.org/x/image (the embedded
// Go fonts), so no external tool or network is involved, and it keeps the
// drawn cards in storage so each is drawn once per change.
package sharecard

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // logos may be WebP too
)

// Size of every card: the 1.91:1 image Open Graph and X recommend.
const (
	Width  = 1200
	Height = 630
)

// maxSourcePixels bounds the pictures a card is drawn from (a logo or a
// poster), checked from the header before the pixels are decoded.
const maxSourcePixels = 40_000_000

// ErrBadImage is a logo or poster that cannot be drawn from.
var ErrBadImage = errors.New("sharecard: not a usable image")

// CampaignCard is what a campaign's card shows.
type CampaignCard struct {
	Name   string // the campaign's name, the card's headline
	Brand  string // the brand running it (a line under the name)
	Line   string // a short call to action
	Accent string // #rrggbb background; "" for Tryout's
	Logo   []byte // the campaign's logo (PNG, JPEG or WebP); nil for none
}

// EntryCard is what an entry's card shows.
type EntryCard struct {
	Title  string
	Byline string // "by Maya · Summer Tricks"
	Accent string // the campaign's colour, behind a missing poster
	Poster []byte // JPEG (or PNG); nil draws the title on the accent colour
}

// Campaign draws a campaign's card as PNG (flat colour and text compress
// well and stay sharp).
func Campaign(in CampaignCard) ([]byte, error) {
	bg := parseHex(in.Accent, color.RGBA{0x3b, 0x3b, 0xd6, 0xff})
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	fillGradient(img, bg, shade(bg, 0.72))
	ink, soft := inkFor(bg)
	y := 96
	if len(in.Logo) > 0 {
		logo, err := decode(in.Logo)
		if err != nil {
			return nil, err
		}
		y = drawLogo(img, logo, 80, 72) + 56
	}
	t := newTexter()
	y = max(y, 250)
	lines := t.wrap(in.Name, t.title, Width-160, 3)
	for _, l := range lines {
		y += t.lineHeight(t.title)
		t.draw(img, l, t.title, 80, y, ink)
	}
	y += 24
	for _, l := range []string{in.Brand, in.Line} {
		if l == "" || y > Height-60 {
			continue
		}
		y += t.lineHeight(t.body)
		t.draw(img, t.fit(l, t.body, Width-160), t.body, 80, y, soft)
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("sharecard: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// Entry draws an entry's card as JPEG: the poster filling the card, a
// play mark, and the title on a dark band.
func Entry(in EntryCard) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	bg := parseHex(in.Accent, color.RGBA{0x3b, 0x3b, 0xd6, 0xff})
	if len(in.Poster) > 0 {
		poster, err := decode(in.Poster)
		if err != nil {
			return nil, err
		}
		cover(img, poster)
	} else {
		fillGradient(img, bg, shade(bg, 0.72))
	}
	band(img, 380)
	playMark(img, Width/2, 230, 64)
	t := newTexter()
	white, grey := color.RGBA{0xff, 0xff, 0xff, 0xff}, color.RGBA{0xe4, 0xe4, 0xea, 0xff}
	lines := t.wrap(in.Title, t.title, Width-160, 2)
	y := Height - 60 - t.lineHeight(t.body) - 16 - len(lines)*t.lineHeight(t.title)
	for _, l := range lines {
		y += t.lineHeight(t.title)
		t.draw(img, l, t.title, 80, y, white)
	}
	if in.Byline != "" {
		t.draw(img, t.fit(in.Byline, t.body, Width-160), t.body, 80, y+16+t.lineHeight(t.body), grey)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, fmt.Errorf("sharecard: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// decode reads a picture after checking its size from the header.
func decode(b []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxSourcePixels {
		return nil, ErrBadImage
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, ErrBadImage
	}
	return img, nil
}

// drawLogo puts the logo on a white rounded plate at (x, y), at most
// 420x170, and returns the plate's bottom edge.
func drawLogo(dst *image.RGBA, logo image.Image, x, y int) int {
	b := logo.Bounds()
	scale := min(420/float64(b.Dx()), 170/float64(b.Dy()), 1.5)
	w, h := max(int(float64(b.Dx())*scale), 1), max(int(float64(b.Dy())*scale), 1)
	pad := 20
	plate := image.Rect(x, y, x+w+2*pad, y+h+2*pad)
	roundRect(dst, plate, 18, color.RGBA{0xff, 0xff, 0xff, 0xff})
	draw.CatmullRom.Scale(dst, image.Rect(x+pad, y+pad, x+pad+w, y+pad+h), logo, b, draw.Over, nil)
	return plate.Max.Y
}

// cover scales src to fill dst, cropping the overflow around the centre.
func cover(dst *image.RGBA, src image.Image) {
	b := src.Bounds()
	scale := max(float64(Width)/float64(b.Dx()), float64(Height)/float64(b.Dy()))
	cw, ch := int(float64(Width)/scale), int(float64(Height)/scale)
	x0, y0 := b.Min.X+(b.Dx()-cw)/2, b.Min.Y+(b.Dy()-ch)/2
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, image.Rect(x0, y0, x0+cw, y0+ch), draw.Src, nil)
}
