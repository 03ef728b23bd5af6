package admin

import (
	"fmt"
	"html/template"
	"strings"
)

// Charts are SVG drawn on the server: no script, no library, and they
// scale to the width of a phone (viewBox, width 100%). Every number is
// also in a table or a label, so the charts carry no information a screen
// reader would miss.

// funnelBar is one step of the funnel chart.
type funnelBar struct {
	Label string
	N     int64
}

// funnelSVG draws one row per step: its name, then a bar scaled to the
// largest step with its count and, from sign-in links to live entries,
// its share of the step before.
func funnelSVG(bars []funnelBar) template.HTML {
	const w, rowH, valueW = 300, 42, 96
	var maxN int64 = 1
	for _, b := range bars {
		maxN = max(maxN, b.N)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart funnel" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="funnel-title"><title id="funnel-title">Funnel</title>`, w, rowH*len(bars))
	for i, b := range bars {
		y := i * rowH
		bw := max(int(float64(w-valueW)*float64(b.N)/float64(maxN)), 2)
		note := fmt.Sprint(b.N)
		if i >= 1 && i <= 5 && bars[i-1].N > 0 {
			note += fmt.Sprintf(" (%d%%)", pct(b.N, bars[i-1].N))
		}
		fmt.Fprintf(&sb, `<text x="0" y="%d" class="label">%s</text>`, y+14, template.HTMLEscapeString(b.Label))
		fmt.Fprintf(&sb, `<rect x="0" y="%d" width="%d" height="16" rx="3" class="bar"/>`, y+20, bw)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="value">%s</text>`, bw+6, y+33, note)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// seriesSVG draws a small daily bar chart with its peak and first and last
// dates as labels.
func seriesSVG(id, title string, dates []string, values []int64) template.HTML {
	const w, h, top, bottom = 320, 120, 18, 20
	var maxN int64
	for _, v := range values {
		maxN = max(maxN, v)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart series" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s"><title id="%s">%s by day</title>`,
		w, h, id, id, template.HTMLEscapeString(title))
	fmt.Fprintf(&sb, `<line x1="0" y1="%d" x2="%d" y2="%d" class="axis"/>`, h-bottom, w, h-bottom)
	n := len(values)
	if n > 0 {
		step := float64(w) / float64(n)
		for i, v := range values {
			if v == 0 || maxN == 0 {
				continue
			}
			bh := float64(h-top-bottom) * float64(v) / float64(maxN)
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar"><title>%s: %d</title></rect>`,
				float64(i)*step+step*0.1, float64(h-bottom)-bh, max(step*0.8, 1), bh, dates[i], v)
		}
		fmt.Fprintf(&sb, `<text x="0" y="%d" class="tick">%s</text>`, h-4, dates[0])
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="tick" text-anchor="end">%s</text>`, w, h-4, dates[n-1])
	}
	fmt.Fprintf(&sb, `<text x="0" y="12" class="tick">peak %d</text>`, maxN)
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// pct is a of b in whole percent (0 when b is 0).
func pct(a, b int64) int64 {
	if b <= 0 {
		return 0
	}
	return (100*a + b/2) / b
}
