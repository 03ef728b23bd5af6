package media

import (
	"bufio"
	"context"
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
		return failure(ctx, bin, err, stderr.Bytes())
	}
	return nil
}
