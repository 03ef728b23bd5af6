package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeFile is axe-core, vendored for the tests by scripts/vendor.sh.
const axeFile = "testdata/vendor/axe-core-4.14.1/axe.min.js"

var (
	axeOnce   sync.Once
	axeSource string
)

// axeViolation is one rule axe found broken on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var where []string
	for i, n := range v.Nodes {
		if i == 3 {
			where = append(where, fmt.Sprintf("and %d more", len(v.Nodes)-3))
			break
		}
		where = append(where, fmt.Sprint(n.Target)+" "+trim(n.HTML, 120))
	}
	return fmt.Sprintf("%s (%s): %s: %s", v.ID, v.Impact, v.Help, strings.Join(where, "; "))
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// axeCheck injects axe-core into the page, runs every WCAG 2.x A/AA rule
// and returns the serious and critical violations.
func axeCheck(t *testing.T) chromedp.Action[[]axeViolation] {
	axeOnce.Do(func() {
		b, err := os.ReadFile(axeFile)
		if err != nil {
			t.Fatalf("axe-core is missing (%v): run scripts/vendor.sh axe-core", err)
		}
		axeSource = string(b)
	})
	return func(ctx context.Context, tg *chromedp.Target) ([]axeViolation, error) {
		if _, err := chromedp.Evaluate[any](`window.axe ? true : (0, eval)(`+jsString(axeSource)+`), true`)(ctx, tg); err != nil {
			return nil, fmt.Errorf("inject axe: %w", err)
		}
		out, err := chromedp.Evaluate[string](`axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] }, resultTypes: ["violations"] })
			.then((r) => JSON.stringify(r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")))`, chromedp.EvalAwaitPromise)(ctx, tg)
		if err != nil {
			return nil, fmt.Errorf("run axe: %w", err)
		}
		var vs []axeViolation
		if err := json.Unmarshal([]byte(out), &vs); err != nil {
			return nil, err
		}
		return vs, nil
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// pageWidth is how wide the document is and how wide the viewport.
const pageWidthJS = `[document.documentElement.scrollWidth, window.innerWidth]`

// tabWalk presses Tab up to max times and reports, for each stop, what
// took the focus and whether a focus ring shows (outline or box shadow);
// then it lists visible controls the walk never reached.
type tabStop struct {
	What    string `json:"what"`
	Visible bool   `json:"visible"`
}

type tabReport struct {
	Stops     []tabStop `json:"stops"`
	Unreached []string  `json:"unreached"`
}

func tabWalk(max int) chromedp.Action[tabReport] {
	return func(ctx context.Context, tg *chromedp.Target) (tabReport, error) {
		// Tab past the last control leaves the page for the browser's own
		// UI, and an unfocused page shows no focus ring: keep the page
		// focused, as a person's window is.
		if _, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
			return tabReport{}, err
		}
		if _, err := chromedp.Evaluate[any](`(() => { window.__seen = new Set(); window.__stops = [];
			document.activeElement && document.activeElement.blur();
			document.addEventListener("focusin", (ev) => {
				const el = ev.target;
				if (window.__seen.has(el)) return; // round again: seen
				const cs = getComputedStyle(el);
				const ring = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow && cs.boxShadow !== "none");
				window.__seen.add(el);
				window.__stops.push({ what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + (el.getAttribute("aria-label") || el.textContent || el.name || "").trim().slice(0, 40), visible: ring });
			}); return true; })()`)(ctx, tg); err != nil {
			return tabReport{}, err
		}
		for range max {
			if _, err := chromedp.KeyEvent(kb.Tab)(ctx, tg); err != nil {
				return tabReport{}, err
			}
		}
		out, err := chromedp.Evaluate[string](`JSON.stringify({ stops: window.__stops, unreached: [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])")]
			.filter((el) => !el.disabled && el.type !== "hidden" && el.offsetParent !== null && el.getClientRects().length && !window.__seen.has(el) && !el.closest("[hidden], [inert]")
				&& !(el.closest("details") && !el.closest("details").open && !el.closest("summary"))) // inside a closed disclosure: reached by opening it
			.map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + (el.getAttribute("aria-label") || el.textContent || el.name || "").trim().slice(0, 40)) })`)(ctx, tg)
		if err != nil {
			return tabReport{}, err
		}
		var r tabReport
		err = json.Unmarshal([]byte(out), &r)
		return r, err
	}
}

// checkKeyboard fails when a Tab walk leaves a control unreached or
// focuses something without a visible focus ring.
func checkKeyboard(t *testing.T, ctx context.Context, page string, max int) {
	t.Helper()
	r, err := chromedp.Run(ctx, tabWalk(max))
	if err != nil {
		t.Fatalf("%s: tab walk: %v", page, err)
	}
	if len(r.Stops) == 0 {
		t.Errorf("%s: Tab reaches nothing", page)
	}
	for _, s := range r.Stops {
		if !s.Visible {
			t.Errorf("%s: focus is not visible on %s", page, s.What)
		}
	}
	if len(r.Unreached) > 0 {
		t.Errorf("%s: %d Tab presses did not reach %v", page, max, r.Unreached)
	}
}

// posterJPEG is a 1280x720 picture standing in for a video's poster.
func posterJPEG(t *testing.T, hue uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	for y := range 720 {
		for x := range 1280 {
			img.SetRGBA(x, y, color.RGBA{hue + uint8(x/10), uint8(y / 4), 200 - uint8(x/20), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// logoPNG is a small brand mark with a transparent background.
func logoPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 360, 120))
	for y := range 120 {
		for x := range 360 {
			switch {
			case (x-60)*(x-60)+(y-60)*(y-60) < 50*50:
				img.SetRGBA(x, y, color.RGBA{0xe8, 0x59, 0x0c, 255})
			case x > 130 && x < 340 && y > 40 && y < 80:
				img.SetRGBA(x, y, color.RGBA{0x1d, 0x1d, 0x1f, 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
