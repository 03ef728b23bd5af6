package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/tasks"
)

const clipSeconds = 60

// benchTranscode measures the media pipeline on a generated 60 s 1080p
// H.264/AAC clip:
//
//   - transcode_ladder_s: the product's hardened ladder encode (HLS ladder
//     plus MP4 fallback) against the same encode as plain ffmpeg commands;
//   - ladder_one_decode_s: the same figure against one ffmpeg pass per
//     rendition, summed (each pass decodes the source again);
//   - first_playable_s: from the media task starting (original in MinIO)
//     to the entrant's first playable version being recorded, run by the
//     real worker handler against MinIO and FerretDB, against the clip's
//     length.
func benchTranscode(ctx context.Context) error {
	work, err := os.MkdirTemp("", "tryout-bench-transcode-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	a, cleanup, err := benchApp(ctx, work, "t", "3", nil)
	if err != nil {
		return err
	}
	defer cleanup()
	src := filepath.Join(work, "clip.mp4")
	// Like a phone recording: 1080p30 H.264 High profile at 16 Mbit/s with
	// sensor grain (a clean synthetic picture would decode unrealistically
	// fast), AAC audio.
	if err := ffmpegCLI(ctx, "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", strconv.Itoa(clipSeconds), "-vf", "noise=alls=12:allf=t", "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
		"-b:v", "16M", "-maxrate", "20M", "-bufsize", "32M", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", src); err != nil {
		return err
	}
	p, err := a.Media.Probe(ctx, src)
	if err != nil {
		return err
	}
	rungs := media.PlanLadder(p)

	// The product's ladder: one hardened decode, every rung, then the
	// fallback by remuxing.
	start := time.Now()
	if _, err := a.Media.Transcode(ctx, src, p, filepath.Join(work, "product"), nil); err != nil {
		return err
	}
	product := time.Since(start).Seconds()

	// Plain ffmpeg making the same outputs: the same encode without the
	// hardening, then the fallback straight from the rung's playlist.
	plain := filepath.Join(work, "plain")
	start = time.Now()
	if err := os.MkdirAll(filepath.Join(plain, "hls"), 0o700); err != nil {
		return err
	}
	if err := ffmpegCLI(ctx, append([]string{"-i", src}, media.LadderArgs(p, rungs, plain)...)...); err != nil {
		return err
	}
	fb := filepath.Join(media.RungDir(plain, media.FallbackRung(rungs)), "index.m3u8")
	if err := ffmpegCLI(ctx, "-i", fb, "-c", "copy", "-movflags", "+faststart", filepath.Join(plain, "fallback.mp4")); err != nil {
		return err
	}
	plainSecs := time.Since(start).Seconds()
	bench("transcode_ladder_s", product, "s", plainSecs, fmt.Sprintf("rungs=%d", len(rungs)), "clip=60s_1080p30_16Mbps")

	// One pass per rendition, each decoding the source again.
	var perRung float64
	for i, r := range rungs {
		dir := filepath.Join(work, "rung"+strconv.Itoa(i))
		if err := os.MkdirAll(filepath.Join(dir, "hls"), 0o700); err != nil {
			return err
		}
		start = time.Now()
		if err := ffmpegCLI(ctx, append([]string{"-i", src}, media.LadderArgs(p, []media.Rung{r}, dir)...)...); err != nil {
			return err
		}
		perRung += time.Since(start).Seconds()
	}
	bench("ladder_one_decode_s", product, "s", perRung, fmt.Sprintf("rungs=%d", len(rungs)))

	first, total, err := firstPlayable(ctx, a, src)
	if err != nil {
		return err
	}
	bench("first_playable_s", first, "s", clipSeconds, fmt.Sprintf("complete_s=%.1f", total), "path=remux")
	return nil
}

// firstPlayable stores src as an entry's original, runs the real media
// task on it and times when the entry first records something playable
// and when it is done.
func firstPlayable(ctx context.Context, a *app.App, src string) (first, total float64, err error) {
	now := time.Now()
	c := campaigns.Campaign{ID: ids.New(campaigns.IDPrefix), Slug: "bench", Name: "Bench", EntryOpensAt: now.Add(-time.Hour),
		EntryClosesAt: now.Add(time.Hour), MaxFileBytes: 1 << 30, MaxDurationSeconds: 600, MaxEntriesPerEntrant: 1}
	if err := a.Campaigns.Create(ctx, c); err != nil {
		return 0, 0, err
	}
	id := ids.New(entries.IDPrefix)
	key := "campaigns/" + c.ID + "/entries/" + id + "/orig"
	f, err := os.Open(src)
	if err != nil {
		return 0, 0, err
	}
	info, _ := f.Stat()
	_, err = a.Blobs.Put(ctx, a.Cfg.S3BucketOriginals, key, f, info.Size(), "video/mp4")
	f.Close()
	if err != nil {
		return 0, 0, err
	}
	e := entries.Entry{ID: id, CampaignID: c.ID, Title: "bench", Status: entries.Received, History: []entries.StatusChange{{To: entries.Received, At: now}},
		Original: entries.Object{Key: key, Size: info.Size()}, CreatedAt: now, UpdatedAt: now}
	if err := a.Entries.Create(ctx, e); err != nil {
		return 0, 0, err
	}
	b, _ := json.Marshal(tasks.MediaProcess{EntryID: id, OriginalKey: key})
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- a.MediaHandler().ProcessTask(ctx, asynq.NewTask(tasks.TypeMediaProcess, b)) }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return 0, 0, err
			}
			if first == 0 {
				return 0, 0, errors.New("the entry never recorded a first playable version")
			}
			return first, time.Since(start).Seconds(), nil
		case <-tick.C:
			if first != 0 {
				continue
			}
			got, err := a.Entries.Get(ctx, id)
			if err == nil && got.Renditions != nil && got.Renditions.FirstPlayable != "" {
				first = time.Since(start).Seconds()
			}
		}
	}
}

// ffmpegCLI runs the ffmpeg command line as a person would, quietly.
func ffmpegCLI(ctx context.Context, args ...string) error {
	full := append([]string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y"}, args...)
	if out, err := exec.CommandContext(ctx, "ffmpeg", full...).CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg: %v: %s", err, out)
	}
	return nil
}
