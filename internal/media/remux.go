package media

import (
	"context"
	"strconv"
)

// Remux copies a web-playable source's first video and audio streams into
// a faststart MP4 without re-encoding, dropping metadata (phone videos carry
// their location), chapters, data and subtitle streams. It takes seconds
// where the ladder takes minutes, so the entrant can watch their entry
// almost at once. Use it only when p.WebPlayable().
func (r *Runner) Remux(ctx context.Context, src string, p Probe, dst string) error {
	return r.ffmpeg(ctx, src,
		"-map", "0:v:0", "-map", "0:a:0?", "-c", "copy",
		"-map_metadata", "-1", "-map_chapters", "-1", "-dn", "-sn",
		"-t", strconv.FormatFloat(p.DurationSeconds+1, 'f', 3, 64),
		"-movflags", "+faststart", "-f", "mp4", dst)
}
