package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// AllowedFormats is the demuxer allow-list for every input. It names only
// real video containers, so a file can never reach the HLS, concat or image
// sequence demuxers that read other files (CVE-2017-9993 and friends).
const AllowedFormats = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi"

// Limits bound every ffprobe and ffmpeg process.
type Limits struct {
	FFprobe string // binary path
	FFmpeg  string // binary path
	// Fpcalc is Chromaprint's fpcalc (Debian's libchromaprint-tools), for
	// the sound's fingerprint; "" leaves sound out of the duplicate check.
	Fpcalc      string
	Timeout     time.Duration // hard wall-clock limit per call
	MemoryBytes int64         // address-space limit per process
	MaxPixels   int64         // largest frame any decoder will accept
}

// Runner builds and runs hardened media commands.
type Runner struct {
	lim     Limits
	prlimit string // path to prlimit(1), empty if missing
}

// NewRunner checks the binaries exist and returns a Runner.
func NewRunner(l Limits) (*Runner, error) {
	for _, b := range []string{l.FFprobe, l.FFmpeg} {
		if _, err := exec.LookPath(b); err != nil {
			return nil, fmt.Errorf("media: %s not found (install ffmpeg): %w", b, err)
		}
	}
	if l.Fpcalc != "" {
		if _, err := exec.LookPath(l.Fpcalc); err != nil {
			return nil, fmt.Errorf("media: %s not found (install libchromaprint-tools): %w", l.Fpcalc, err)
		}
	}
	r := &Runner{lim: l}
	if p, err := exec.LookPath("prlimit"); err == nil {
		r.prlimit = p
	}
	return r, nil
}

// input is how every ffprobe and ffmpeg call opens a file: the file's
// first bytes must be a known video container (checked here, before any
// media process sees it), then the leading flags, then the protections
// placed before every -i: only local files, only allowed containers,
// bounded frame size.
func (r *Runner) input(path string, leading ...string) ([]string, error) {
	if _, err := SniffFile(path); err != nil {
		return nil, err
	}
	return append(leading,
		"-protocol_whitelist", "file",
		"-format_whitelist", AllowedFormats,
		"-max_pixels", strconv.FormatInt(r.lim.MaxPixels, 10),
		"-i", "file:"+path,
	), nil
}

// ErrTimeout means a media process hit its hard time limit.
var ErrTimeout = errors.New("media: process timed out")

// command returns an exec.Cmd for bin with args, under the memory limit (via
// prlimit), killed with its process group when ctx or the timeout ends.
func (r *Runner) command(ctx context.Context, bin string, args ...string) (*exec.Cmd, context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, r.lim.Timeout)
	name, full := bin, args
	if r.prlimit != "" && r.lim.MemoryBytes > 0 {
		name = r.prlimit
		full = append([]string{"--as=" + strconv.FormatInt(r.lim.MemoryBytes, 10), "--core=0", "--", bin}, args...)
	}
	cmd := exec.CommandContext(ctx, name, full...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"} // no proxies or library overrides from our environment
	// Own process group (killed whole on timeout), and killed if the worker
	// itself dies, so a crashed worker leaves no encoder running.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd, ctx, cancel
}

// run executes a command and returns its stdout and a bounded head of its
// stderr; on failure the error holds that stderr too (and stdout is what
// the process wrote before it failed).
func (r *Runner) run(ctx context.Context, bin string, args ...string) (stdoutB, stderrB []byte, err error) {
	return r.runCapture(ctx, bin, 4<<10, args...)
}

// runCapture is run keeping up to stderrMax bytes of stderr (detection
// filters report there).
func (r *Runner) runCapture(ctx context.Context, bin string, stderrMax int, args ...string) (stdoutB, stderrB []byte, err error) {
	cmd, ctx, cancel := r.command(ctx, bin, args...)
	defer cancel()
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = 8<<20, stderrMax
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), stderr.Bytes(), failure(ctx, bin, err, stderr.Bytes())
	}
	return stdout.Bytes(), stderr.Bytes(), nil
}

// failure classifies a failed media process, for every way of running one:
// out of time, a frame over the pixel limit, undecodable data (no retry
// will help), or anything else (worth a retry).
func failure(ctx context.Context, bin string, err error, stderr []byte) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ErrTimeout
	}
	if ferr := frameTooLarge(stderr); ferr != nil {
		return ferr
	}
	tail := stderr[max(0, len(stderr)-2048):]
	if undecodable(stderr) {
		return fmt.Errorf("media: %s: %w: %s", bin, ErrNotVideo, tail)
	}
	return fmt.Errorf("media: %s: %w: %s", bin, err, tail)
}

// undecodable reports whether ffmpeg failed because the input's data is
// broken (as opposed to a timeout, a kill or a full disk).
func undecodable(stderr []byte) bool {
	return bytes.Contains(stderr, []byte("Invalid data found when processing input")) ||
		bytes.Contains(stderr, []byte("Could not find codec parameters"))
}

// limitedBuffer keeps at most max bytes and drops the rest, so a chatty or
// hostile process cannot grow our memory.
type limitedBuffer struct {
	buf []byte
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (b *limitedBuffer) Bytes() []byte  { return b.buf }
func (b *limitedBuffer) String() string { return string(b.buf) }
