package sharecard

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	_ "image/jpeg"
	"image/png"
	"testing"
)

func pngOf(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func size(t *testing.T, b []byte) (string, int, int) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return format, cfg.Width, cfg.Height
}

func TestCardsAre1200x630(t *testing.T) {
	long := "A very long campaign name that goes on and on and would never fit on one line of a card, nor on two, nor on three"
	for name, draw := range map[string]func() ([]byte, error){
		"campaign": func() ([]byte, error) {
			return Campaign(CampaignCard{Name: "Summer Tricks", Brand: "by Acme", Accent: "#0b6e69"})
		},
		"campaign logo": func() ([]byte, error) {
			return Campaign(CampaignCard{Name: long, Logo: pngOf(t, 900, 300), Accent: "#ffe066"})
		},
		"campaign default": func() ([]byte, error) { return Campaign(CampaignCard{Name: "x", Accent: "not a colour"}) },
		"entry poster": func() ([]byte, error) {
			return Entry(EntryCard{Title: long, Byline: "by Maya · Summer", Poster: pngOf(t, 720, 1280)})
		},
		"entry no poster": func() ([]byte, error) { return Entry(EntryCard{Title: "Kickflip"}) },
	} {
		b, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, w, h := size(t, b); w != Width || h != Height {
			t.Errorf("%s: %dx%d", name, w, h)
		}
	}
}

func TestBadPicturesAreRefused(t *testing.T) {
	for name, b := range map[string][]byte{
		"not an image": []byte("hello"),
		"too many pixels": func() []byte { // a header claiming 20000x20000
			var buf bytes.Buffer
			img := image.NewGray(image.Rect(0, 0, 1, 1))
			_ = png.Encode(&buf, img)
			b := buf.Bytes()
			b[16], b[17], b[18], b[19] = 0, 0, 0x4e, 0x20
			b[20], b[21], b[22], b[23] = 0, 0, 0x4e, 0x20
			return b
		}(),
	} {
		if _, err := Campaign(CampaignCard{Name: "x", Logo: b}); !errors.Is(err, ErrBadImage) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestInkReadsOnTheBrandColour(t *testing.T) {
	if ink, _ := inkFor(parseHex("#ffe066", color.RGBA{})); ink.R > 0x40 {
		t.Errorf("light yellow gets %v; want dark text", ink)
	}
	if ink, _ := inkFor(parseHex("#0b6e69", color.RGBA{})); ink.R < 0xc0 {
		t.Errorf("dark teal gets %v; want white text", ink)
	}
}

func TestTextWrapsAndFits(t *testing.T) {
	tx := newTexter()
	lines := tx.wrap("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen", tx.title, 500, 2)
	if len(lines) != 2 || tx.width(lines[0], tx.title) > 500 || tx.width(lines[1], tx.title) > 500 || lines[1][len(lines[1])-3:] != "…" {
		t.Errorf("wrap: %q", lines)
	}
}
