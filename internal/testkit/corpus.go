package testkit

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tryout/tryout/internal/ids"
)

// The duplicate corpus: synthetic videos made with ffmpeg's lavfi sources,
// in pairs that are the same video (re-encoded, scaled, cropped, trimmed,
// remuxed, copied) or different videos that share something real entries
// share (an intro, a backdrop, a logo card, music), plus the plain test
// patterns that fooled the old fingerprint. Tests and the benchmark both
// use it; nothing in it depends on the product's code.

// CorpusPair is two clips of the corpus and what they are to each other.
type CorpusPair struct {
	Case string // what the pair exercises
	A, B string // paths
	// Same: B is a version of A (a person would call it the same video).
	Same bool
	// Identical: B has A's exact bytes or exact decoded pictures and sound.
	Identical bool
	// Lookalike: not the same video, but the same moving test card drawn
	// at another aspect ratio: any check robust to cropping may flag it for
	// a person; none may refuse it. Not counted in precision or recall.
	Lookalike bool
}

// corpusScene is a lavfi video source graph for a size and duration,
// ending in no label (the caller adds one).
type corpusScene func(w, h int, d float64) string

var scenes = map[string]corpusScene{
	"testsrc2": func(w, h int, d float64) string { return fmt.Sprintf("testsrc2=s=%dx%d:r=25:d=%g", w, h, d) },
	"testsrc":  func(w, h int, d float64) string { return fmt.Sprintf("testsrc=s=%dx%d:r=25:d=%g", w, h, d) },
	"mandelbrot": func(w, h int, d float64) string {
		return fmt.Sprintf("mandelbrot=s=%dx%d:r=25,trim=duration=%g", w, h, d)
	},
	"life": func(w, h int, d float64) string {
		return fmt.Sprintf("life=s=%dx%d:r=25:seed=7:mold=10:ratio=0.3:life_color=0x40ff40:death_color=0x602020,scale=%d:%d:flags=neighbor,trim=duration=%g", w/8, h/8, w, h, d)
	},
	"cellauto": func(w, h int, d float64) string {
		return fmt.Sprintf("cellauto=s=%dx%d:r=25:rule=110:random_fill_ratio=0.5:random_seed=3:scroll=1,scale=%d:%d:flags=neighbor,trim=duration=%g", w/4, h/4, w, h, d)
	},
	"gradients": func(w, h int, d float64) string {
		return fmt.Sprintf("gradients=s=%dx%d:r=25:speed=0.03:seed=5:d=%g", w, h, d)
	},
	"smptebars":   func(w, h int, d float64) string { return fmt.Sprintf("smptebars=s=%dx%d:r=25:d=%g", w, h, d) },
	"smptehdbars": func(w, h int, d float64) string { return fmt.Sprintf("smptehdbars=s=%dx%d:r=25:d=%g", w, h, d) },
	"rgbtestsrc":  func(w, h int, d float64) string { return fmt.Sprintf("rgbtestsrc=s=%dx%d:r=25:d=%g", w, h, d) },
	"yuvtestsrc":  func(w, h int, d float64) string { return fmt.Sprintf("yuvtestsrc=s=%dx%d:r=25:d=%g", w, h, d) },
	// A brand's logo card: a plain colour with the name on it.
	"card": func(w, h int, d float64) string {
		return fmt.Sprintf("color=c=0x1a3d7c:s=%dx%d:r=25:d=%g,drawtext=text='ACME':fontsize=%d:fontcolor=white:x=(w-tw)/2:y=(h-th)/2", w, h, d, h/4)
	},
	// A brand's intro: the name sliding over a darker card.
	"intro": func(w, h int, d float64) string {
		return fmt.Sprintf("color=c=0x202060:s=%dx%d:r=25:d=%g,drawtext=text='ACME presents':fontsize=%d:fontcolor=yellow:x=w*0.05+t*w*0.1:y=(h-th)/2", w, h, d, h/8)
	},
}

// corpusSound is an audio source graph: a melody or a noise.
func corpusSound(name string, d float64) string {
	switch name {
	case "melody1", "melody2", "melody3":
		step := map[string]int{"melody1": 5, "melody2": 7, "melody3": 3}[name]
		return fmt.Sprintf("aevalsrc='0.4*sin(2*PI*t*220*pow(2\\,mod(floor(t*3)*%d\\,12)/12))':s=44100:d=%g", step, d)
	case "noise":
		return fmt.Sprintf("anoisesrc=c=pink:seed=11:a=0.3:d=%g", d)
	}
	return ""
}

// part is one stretch of a clip: a scene alone, or a foreground scene
// over a backdrop scene (the foreground covering fg of each side).
type part struct {
	scene    string
	backdrop string
	fg       float64
	seconds  float64
}

// clipSpec is a generated clip: its parts played in turn, a sound under
// the whole, its size.
type clipSpec struct {
	parts  []part
	sound  string
	w, h   int
	rate   int    // output frame rate (25 when 0)
	codec  string // "" (H.264 in MP4), "vp9" (WebM) or "mpeg4" (AVI)
	rotate int    // display rotation metadata, degrees (MP4 only)
}

// ext is the clip's file extension.
func (c clipSpec) ext() string {
	switch c.codec {
	case "vp9":
		return "webm"
	case "mpeg4":
		return "avi"
	}
	return "mp4"
}

func (c clipSpec) seconds() float64 {
	var s float64
	for _, p := range c.parts {
		s += p.seconds
	}
	return s
}

// graph is the ffmpeg filter graph making the clip, ending in [v] and,
// with a sound, [a].
func (c clipSpec) graph() string {
	var g []string
	for i, p := range c.parts {
		if p.backdrop == "" {
			g = append(g, fmt.Sprintf("%s,format=yuv420p,setsar=1[p%d]", scenes[p.scene](c.w, c.h, p.seconds), i))
			continue
		}
		fw, fh := even(float64(c.w)*p.fg), even(float64(c.h)*p.fg)
		g = append(g, fmt.Sprintf("%s[b%d]", scenes[p.backdrop](c.w, c.h, p.seconds), i),
			fmt.Sprintf("%s[f%d]", scenes[p.scene](fw, fh, p.seconds), i),
			fmt.Sprintf("[b%d][f%d]overlay=(W-w)/2:(H-h)/2:shortest=1,format=yuv420p,setsar=1[p%d]", i, i, i))
	}
	var in string
	for i := range c.parts {
		in += fmt.Sprintf("[p%d]", i)
	}
	g = append(g, fmt.Sprintf("%sconcat=n=%d:v=1:a=0[v]", in, len(c.parts)))
	if c.sound != "" {
		g = append(g, corpusSound(c.sound, c.seconds())+"[a]")
	}
	return strings.Join(g, ";")
}

func even(f float64) int { return int(f/2) * 2 }

// variant re-encodes a clip: extra ffmpeg arguments between input and
// output, and the output's extension.
type variant struct {
	name string
	args []string
	ext  string
}

var x264 = []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"}

var variants = []variant{
	{"crf40", append([]string{"-crf", "40"}, x264...), "mp4"},
	{"vp9", []string{"-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-c:a", "libopus"}, "webm"},
	{"mpeg4", []string{"-c:v", "mpeg4", "-q:v", "8", "-c:a", "libmp3lame"}, "avi"},
	{"up720", append([]string{"-vf", "scale=1280:720"}, x264...), "mp4"},
	{"down180", append([]string{"-vf", "scale=320:180"}, x264...), "mp4"},
	{"crop90", append([]string{"-vf", "crop=iw*0.9:ih*0.9,scale=480:270"}, x264...), "mp4"},
	{"crop80", append([]string{"-vf", "crop=iw*0.8:ih*0.8:iw*0.15:ih*0.05"}, x264...), "mp4"},
	{"trim", append([]string{"-ss", "2.3", "-t", "7"}, x264...), "mp4"},
	{"fps15", append([]string{"-r", "15"}, x264...), "mp4"},
	{"remux", []string{"-c", "copy"}, "mkv"},
}

// DupCorpus generates the corpus into dir (about 60 short clips, workers
// ffmpeg processes at a time; a clip already in dir is kept) and returns
// its pairs.
func DupCorpus(dir string, workers int) ([]CorpusPair, error) {
	var jobs []job
	path := func(name, ext string) string { return filepath.Join(dir, name+"."+ext) }
	clip := func(name string, c clipSpec) string {
		out := path(name, c.ext())
		jobs = append(jobs, job{name, func() error { return keep(out, func(tmp string) error { return makeClip(tmp, c) }) }})
		return out
	}
	originals := map[string]string{
		"o1": clip("o1", clipSpec{parts: []part{{scene: "testsrc2", seconds: 12}}, sound: "melody1", w: 480, h: 270}),
		"o2": clip("o2", clipSpec{parts: []part{{scene: "intro", seconds: 3}, {scene: "mandelbrot", seconds: 11}}, sound: "melody2", w: 480, h: 270}),
		"o3": clip("o3", clipSpec{parts: []part{{scene: "life", backdrop: "smptebars", fg: 0.6, seconds: 10}}, sound: "noise", w: 480, h: 270}),
	}
	var pairs []CorpusPair
	var second []job
	for _, o := range []string{"o1", "o2", "o3"} {
		src := originals[o]
		for _, v := range variants {
			if o == "o3" && (v.name == "up720" || v.name == "down180" || v.name == "vp9") {
				continue // the same kinds as o1's and o2's: keep the corpus quick
			}
			out := path(o+"-"+v.name, v.ext)
			args := v.args
			second = append(second, job{o + v.name, func() error { return keep(out, func(tmp string) error { return reencode(src, tmp, args) }) }})
			pairs = append(pairs, CorpusPair{Case: "same: " + o + " " + v.name, A: src, B: out, Same: true, Identical: v.name == "remux"})
		}
		cp := path(o+"-copy", "mp4")
		second = append(second, job{o + "copy", func() error { return keep(cp, func(tmp string) error { return copyFile(src, tmp) }) }})
		pairs = append(pairs, CorpusPair{Case: "same: " + o + " byte copy", A: src, B: cp, Same: true, Identical: true})
	}
	pairs = append(pairs,
		CorpusPair{Case: "different: o1 and o2", A: originals["o1"], B: originals["o2"]},
		CorpusPair{Case: "different: o2 and o3", A: originals["o2"], B: originals["o3"]},
		CorpusPair{Case: "different: o1 and o3", A: originals["o1"], B: originals["o3"]})
	differ := func(name string, a, b clipSpec) {
		pa, pb := clip(name+"-a", a), clip(name+"-b", b)
		pairs = append(pairs, CorpusPair{Case: "different: " + name, A: pa, B: pb})
	}
	// A shared 3 s intro, then different 10-20 s videos.
	differ("shared intro", clipSpec{parts: []part{{scene: "intro", seconds: 3}, {scene: "testsrc2", seconds: 9}}, sound: "melody1", w: 480, h: 270},
		clipSpec{parts: []part{{scene: "intro", seconds: 3}, {scene: "cellauto", seconds: 14}}, sound: "melody3", w: 480, h: 270})
	differ("shared intro, short and long", clipSpec{parts: []part{{scene: "intro", seconds: 3}, {scene: "life", seconds: 7}}, w: 320, h: 180},
		clipSpec{parts: []part{{scene: "intro", seconds: 3}, {scene: "mandelbrot", seconds: 17}}, w: 640, h: 360})
	// The same backdrop behind a different subject.
	differ("shared backdrop", clipSpec{parts: []part{{scene: "life", backdrop: "smptebars", fg: 0.6, seconds: 12}}, w: 480, h: 270},
		clipSpec{parts: []part{{scene: "cellauto", backdrop: "smptebars", fg: 0.6, seconds: 15}}, w: 480, h: 270})
	differ("shared moving backdrop and music", clipSpec{parts: []part{{scene: "testsrc2", backdrop: "gradients", fg: 0.6, seconds: 12}}, sound: "melody2", w: 480, h: 270},
		clipSpec{parts: []part{{scene: "mandelbrot", backdrop: "gradients", fg: 0.6, seconds: 12}}, sound: "melody2", w: 480, h: 270})
	// The same logo card closing two different videos.
	differ("shared logo card", clipSpec{parts: []part{{scene: "testsrc2", seconds: 8}, {scene: "card", seconds: 2}}, sound: "melody1", w: 480, h: 270},
		clipSpec{parts: []part{{scene: "life", seconds: 12}, {scene: "card", seconds: 2}}, sound: "melody3", w: 480, h: 270})
	// The same music under different pictures.
	differ("shared music", clipSpec{parts: []part{{scene: "life", seconds: 12}}, sound: "melody1", w: 480, h: 270},
		clipSpec{parts: []part{{scene: "mandelbrot", seconds: 12}}, sound: "melody1", w: 480, h: 270})
	// The case: a 15 s 1080p pattern and an unrelated 5 s 720p one;
	// and the same moving test card drawn upright at 720x1280 for 5 s.
	hd := clip("pattern-testsrc2-1080p", clipSpec{parts: []part{{scene: "testsrc2", seconds: 15}}, sound: "melody1", w: 1920, h: 1080, rate: 10})
	bars := clip("pattern-smptehdbars-720p", clipSpec{parts: []part{{scene: "smptehdbars", seconds: 5}}, sound: "melody1", w: 1280, h: 720})
	upright := clip("pattern-testsrc2-720x1280", clipSpec{parts: []part{{scene: "testsrc2", seconds: 5}}, w: 720, h: 1280, codec: "mpeg4"})
	pairs = append(pairs, CorpusPair{Case: "different: 15 s 1080p and 5 s 720p", A: hd, B: bars},
		CorpusPair{Case: "lookalike: the 1080p test card and an upright 5 s one", A: hd, B: upright, Lookalike: true})
	// Two test cards the old check took for one (its 9x8 difference hash
	// sees the same vertical edges in both).
	differ("rgbtestsrc and yuvtestsrc", clipSpec{parts: []part{{scene: "rgbtestsrc", seconds: 6}}, w: 640, h: 360},
		clipSpec{parts: []part{{scene: "yuvtestsrc", seconds: 6}}, w: 640, h: 360, codec: "vp9"})
	// Plain test patterns of different sizes, orientations and lengths.
	patterns := []struct {
		scene, codec string
		w, h, rotate int
		s            float64
	}{{"rgbtestsrc", "vp9", 640, 480, 0, 6}, {"yuvtestsrc", "", 360, 640, 0, 8}, {"smptebars", "mpeg4", 480, 270, 0, 10},
		{"mandelbrot", "", 480, 270, 90, 7}, {"cellauto", "vp9", 320, 240, 0, 9}, {"testsrc", "mpeg4", 352, 288, 0, 4}}
	var pat []string
	for _, p := range patterns {
		pat = append(pat, clip("pattern-"+p.scene, clipSpec{parts: []part{{scene: p.scene, seconds: p.s}}, w: p.w, h: p.h, codec: p.codec, rotate: p.rotate}))
	}
	for i := range pat {
		for j := i + 1; j < len(pat); j++ {
			pairs = append(pairs, CorpusPair{Case: fmt.Sprintf("different: patterns %s and %s", patterns[i].scene, patterns[j].scene), A: pat[i], B: pat[j]})
		}
	}
	if err := runJobs(jobs, workers); err != nil {
		return nil, err
	}
	if err := runJobs(second, workers); err != nil {
		return nil, err
	}
	return pairs, nil
}

// job is one ffmpeg run of the corpus.
type job struct {
	name string
	run  func() error
}

func runJobs(jobs []job, workers int) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // guards first
	var first error
	sem := make(chan struct{}, max(1, workers))
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := j.run(); err != nil {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("corpus %s: %w", j.name, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// keep skips making a file that a previous run left complete: a corpus
// directory may be reused (scripts/test.sh keeps one in the cache, named
// after this file's contents). make writes to a temporary name beside out
// that is renamed into place only when complete, so a run killed midway,
// or a second run at the same time, never leaves a partial clip behind.
func keep(out string, make func(tmp string) error) error {
	if st, err := os.Stat(out); err == nil && st.Size() > 0 {
		return nil
	}
	tmp := filepath.Join(filepath.Dir(out), ".tmp-"+ids.New("")[:12]+"-"+filepath.Base(out))
	if err := make(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, out)
}

func makeClip(out string, c clipSpec) error {
	args := []string{"-filter_complex", c.graph(), "-map", "[v]"}
	if c.sound != "" {
		acodec := map[string]string{"vp9": "libopus", "mpeg4": "libmp3lame"}[c.codec]
		if acodec == "" {
			acodec = "aac"
		}
		args = append(args, "-map", "[a]", "-c:a", acodec, "-b:a", "128k")
	}
	rate := c.rate
	if rate == 0 {
		rate = 25
	}
	args = append(args, "-r", fmt.Sprint(rate))
	switch c.codec {
	case "vp9":
		args = append(args, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k")
	case "mpeg4":
		args = append(args, "-c:v", "mpeg4", "-q:v", "5")
	default:
		args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p")
	}
	if c.rotate != 0 {
		args = append(args, "-metadata:s:v:0", fmt.Sprintf("rotate=%d", c.rotate))
	}
	return ffmpegCLI(append(args, out)...)
}

func reencode(src, out string, args []string) error {
	full := append([]string{"-i", src}, args...)
	return ffmpegCLI(append(full, out)...)
}

func ffmpegCLI(args ...string) error {
	full := append([]string{"-hide_banner", "-loglevel", "error", "-y", "-threads", "2"}, args...)
	if b, err := exec.Command("ffmpeg", full...).CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg %s: %v: %s", strings.Join(args, " "), err, b)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// CorpusVerdict is what a duplicate check said about a pair: flagged for
// a person (similar), or refused outright (an exact copy).
type CorpusVerdict struct{ Flagged, Refused bool }

// CorpusScore is how a duplicate check did on the corpus. Precision is
// the share of flagged or refused pairs that are the same video (1 when
// none is); Recall the share of same-video pairs flagged or refused.
// Wrong lists each mistake: a different pair flagged or refused, a same
// pair missed, a pair refused that is not an exact copy, an exact copy not
// refused, a lookalike refused.
type CorpusScore struct {
	Precision, Recall             float64
	Wrong                         []string
	Lookalikes, LookalikesFlagged int
}

// ScoreCorpus judges every pair.
func ScoreCorpus(pairs []CorpusPair, judge func(CorpusPair) CorpusVerdict) CorpusScore {
	var sc CorpusScore
	var flagged, flaggedSame, same int
	for _, p := range pairs {
		v := judge(p)
		hit := v.Flagged || v.Refused
		if v.Refused != p.Identical {
			sc.Wrong = append(sc.Wrong, fmt.Sprintf("refused=%v: %s", v.Refused, p.Case))
		}
		switch {
		case p.Lookalike:
			sc.Lookalikes++
			if hit {
				sc.LookalikesFlagged++
			}
			continue
		case p.Same:
			same++
			if !hit {
				sc.Wrong = append(sc.Wrong, "missed: "+p.Case)
			}
		case hit:
			sc.Wrong = append(sc.Wrong, "flagged: "+p.Case)
		}
		if hit {
			flagged++
			if p.Same {
				flaggedSame++
			}
		}
	}
	sc.Precision, sc.Recall = 1, 1
	if flagged > 0 {
		sc.Precision = float64(flaggedSame) / float64(flagged)
	}
	if same > 0 {
		sc.Recall = float64(flaggedSame) / float64(same)
	}
	return sc
}
