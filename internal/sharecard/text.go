package sharecard

import (
	"image"
	"image/color"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// texter sets text in the embedded Go fonts.
type texter struct{ title, body font.Face }

var (
	parseOnce     sync.Once
	bold, regular *opentype.Font
)

// newTexter returns fresh faces for one card (a face is not safe for
// concurrent use; the parsed fonts are shared).
func newTexter() texter {
	parseOnce.Do(func() {
		bold, regular = parse(gobold.TTF), parse(goregular.TTF)
	})
	return texter{title: face(bold, 62), body: face(regular, 32)}
}

func parse(ttf []byte) *opentype.Font {
	f, err := opentype.Parse(ttf)
	if err != nil {
		panic("sharecard: embedded font: " + err.Error()) // the font ships with the binary
	}
	return f
}

func face(f *opentype.Font, size float64) font.Face {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("sharecard: embedded font: " + err.Error())
	}
	return fc
}

func (t texter) lineHeight(f font.Face) int { return f.Metrics().Height.Ceil() + 6 }

func (t texter) width(s string, f font.Face) int { return font.MeasureString(f, s).Ceil() }

// wrap breaks s into at most n lines of width w, the last one shortened
// with an ellipsis when it does not fit.
func (t texter) wrap(s string, f font.Face, w, n int) []string {
	var lines []string
	line := ""
	words := strings.Fields(s)
	for i, word := range words {
		next := strings.TrimSpace(line + " " + word)
		if t.width(next, f) <= w || line == "" {
			line = next
			continue
		}
		lines = append(lines, line)
		if len(lines) == n-1 {
			return append(lines, t.fit(strings.Join(words[i:], " "), f, w))
		}
		line = word
	}
	if line != "" {
		lines = append(lines, t.fit(line, f, w))
	}
	return lines
}

// fit shortens s with an ellipsis until it is at most w wide.
func (t texter) fit(s string, f font.Face, w int) string {
	if t.width(s, f) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && t.width(string(r)+"…", f) > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// draw writes s with its baseline at y.
func (t texter) draw(dst *image.RGBA, s string, f font.Face, x, y int, c color.RGBA) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
