package media

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Span is a stretch of the video, in seconds.
type Span struct{ Start, End float64 }

// Duration is the span's length.
func (s Span) Duration() float64 { return s.End - s.Start }

// Detections are the stretches that are black, frozen or silent.
type Detections struct {
	Black, Frozen, Silent []Span
}

// Detect finds black (at least 1 s), frozen (at least 2 s) and silent (at
// least 2 s) stretches in one decode, reading the detection filters' logs.
func (r *Runner) Detect(ctx context.Context, src string, p Probe) (Detections, error) {
	args, err := r.input(src, "-hide_banner", "-nostdin", "-v", "info", "-nostats")
	if err != nil {
		return Detections{}, err
	}
	args = append(args, "-vf", "blackdetect=d=1:pix_th=0.10,freezedetect=n=-60dB:d=2")
	if p.AudioCodec != "" {
		args = append(args, "-af", "silencedetect=n=-50dB:d=2")
	}
	args = append(args, "-f", "null", "-")
	_, stderr, err := r.runCapture(ctx, r.lim.FFmpeg, 1<<20, args...)
	if err != nil {
		return Detections{}, err
	}
	return parseDetections(string(stderr), p.DurationSeconds), nil
}

var (
	blackRE  = regexp.MustCompile(`black_start:([\d.]+) black_end:([\d.]+)`)
	freezeRE = regexp.MustCompile(`freeze_(start|end): ([\d.]+)`)
	silentRE = regexp.MustCompile(`silence_(start|end): ([\d.]+)`)
)

// parseDetections reads the filters' log lines; a stretch still open at the
// end of the file ends at the duration.
func parseDetections(log string, duration float64) Detections {
	var d Detections
	for _, m := range blackRE.FindAllStringSubmatch(log, -1) {
		d.Black = append(d.Black, Span{atof(m[1]), atof(m[2])})
	}
	d.Frozen = pairs(freezeRE.FindAllStringSubmatch(log, -1), duration)
	d.Silent = pairs(silentRE.FindAllStringSubmatch(log, -1), duration)
	return d
}

func pairs(ms [][]string, duration float64) []Span {
	var out []Span
	open := -1.0
	for _, m := range ms {
		switch m[1] {
		case "start":
			open = atof(m[2])
		case "end":
			if open >= 0 {
				out = append(out, Span{open, atof(m[2])})
				open = -1
			}
		}
	}
	if open >= 0 && duration > open {
		out = append(out, Span{open, duration})
	}
	return out
}

func atof(s string) float64 { f, _ := strconv.ParseFloat(s, 64); return f }

// Describe writes a detection for people: "black from 0:00 to 0:02".
func Describe(kind string, s Span) string {
	return fmt.Sprintf("%s from %s to %s", kind, clock(s.Start), clock(s.End))
}

func clock(s float64) string {
	t := int(s + 0.5)
	return strings.TrimSpace(fmt.Sprintf("%d:%02d", t/60, t%60))
}
