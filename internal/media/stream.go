package media

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// runStreaming runs a hardened command, handing each stdout line to onLine
// as it arrives (for ffmpeg's -progress output).
func (r *Runner) runStreaming(ctx context.Context, bin string, onLine func(string), args ...string) error {
	cmd, ctx, cancel := r.command(ctx, bin, args...)
	defer cancel()
	var stderr limitedBuffer
	stderr.max = 4 << 10
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("media: %s: %w", bin, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("media: %s: %w", bin, err)
	}
	sc := bufio.NewScanner(io.LimitReader(out, 64<<20))
	for sc.Scan() {
		onLine(sc.Text())
	}
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ErrTimeout
		}
		if ferr := frameTooLarge(stderr.Bytes()); ferr != nil {
			return ferr
		}
		if undecodable(stderr.Bytes()) { // no retry will decode it either
			return fmt.Errorf("media: %s: %w: %s", bin, ErrNotVideo, stderr.String())
		}
		return fmt.Errorf("media: %s: %w: %s", bin, err, stderr.String())
	}
	return nil
}

// undecodable reports whether ffmpeg failed because the input's data is
// broken (as opposed to a timeout, a kill or a full disk).
func undecodable(stderr []byte) bool {
	return bytes.Contains(stderr, []byte("Invalid data found when processing input")) ||
		bytes.Contains(stderr, []byte("Could not find codec parameters"))
}
