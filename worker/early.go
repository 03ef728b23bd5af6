package worker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/media"
)

// Names of the early outputs, relative to the rendition prefix.
const (
	sourceRemux   = entries.SourceRemux // remux of a web-playable original
	earlyPlaylist = "hls/v0/early.m3u8" // the lowest rung's growing playlist
)

// earlyPublisher makes the entry playable for its entrant long before the
// ladder is finished: a web-playable original is remuxed and published in
// seconds; otherwise the lowest rung's segments are published as the
// encoder completes them, behind a growing EVENT playlist.
type earlyPublisher struct {
	h        *MediaHandler
	entryID  string
	prefix   string
	dir      string          // the task's temp directory
	out      string          // where Transcode writes
	first    string          // key of the first playable output, once published
	uploaded map[string]bool // output paths (relative to out) already published
}

// remux publishes a stream copy of the original. Failing is not fatal: the
// lowest rung will be published early instead.
func (p *earlyPublisher) remux(ctx context.Context, src string, probe media.Probe) {
	dst := filepath.Join(p.dir, sourceRemux)
	err := p.h.Media.Remux(ctx, src, probe, dst)
	if err == nil {
		err = p.h.Outputs.PutFile(ctx, p.h.RenditionsBucket, p.prefix+sourceRemux, dst, "video/mp4", "private, no-store")
	}
	if err == nil {
		err = p.announce(ctx, p.prefix+sourceRemux)
	}
	if err != nil {
		p.h.Log.Warn("media: early remux", "entry", p.entryID, "err", err)
		return
	}
	p.h.progress(ctx, p.entryID, "preview", 8)
}

// announce records the first playable output on the entry.
func (p *earlyPublisher) announce(ctx context.Context, key string) error {
	if err := p.h.Entries.SetRenditions(ctx, p.entryID, entries.Renditions{Prefix: p.prefix, FirstPlayable: key}, p.h.Now()); err != nil {
		return err
	}
	p.first = key
	return nil
}

// watch publishes the lowest rung's new segments every half second until
// the returned stop is called (unless a remux was already published).
func (p *earlyPublisher) watch(ctx context.Context) (stop func()) {
	if p.first != "" {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := p.sync(ctx); err != nil && ctx.Err() == nil {
					p.h.Log.Warn("media: early segments", "entry", p.entryID, "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// finish publishes the lowest rung's finished playlist, so the early
// playlist ends like the real one, unless a remux was published instead.
func (p *earlyPublisher) finish(ctx context.Context) error {
	if p.first != "" && p.first != p.prefix+earlyPlaylist {
		return nil
	}
	return p.sync(ctx)
}

// sync uploads the segments the lowest rung's playlist lists (each is
// complete once listed), then that playlist as the early playlist.
func (p *earlyPublisher) sync(ctx context.Context) error {
	rung := media.RungDir(p.out, 0)
	b, err := os.ReadFile(filepath.Join(rung, "index.m3u8"))
	if err != nil {
		return nil // no segment finished yet
	}
	snapshot := filepath.Join(p.dir, "early.m3u8") // the encoder replaces index.m3u8 as it goes
	if err := os.WriteFile(snapshot, b, 0o600); err != nil {
		return err
	}
	initSeg, segs, err := media.PlaylistSegments(snapshot)
	if err != nil {
		return nil
	}
	relDir, err := filepath.Rel(p.out, rung)
	if err != nil {
		return err
	}
	for _, name := range append([]string{initSeg}, segs...) {
		rel := filepath.ToSlash(filepath.Join(relDir, filepath.Base(name)))
		if p.uploaded[rel] {
			continue
		}
		ct, cache := contentType(rel)
		if err := p.h.Outputs.PutFile(ctx, p.h.RenditionsBucket, p.prefix+rel, filepath.Join(p.out, rel), ct, cache); err != nil {
			return err
		}
		p.uploaded[rel] = true
	}
	if err := p.h.Outputs.PutFile(ctx, p.h.RenditionsBucket, p.prefix+earlyPlaylist, snapshot, "application/vnd.apple.mpegurl", "no-cache"); err != nil {
		return fmt.Errorf("media: early playlist: %w", err)
	}
	if p.first == "" {
		return p.announce(ctx, p.prefix+earlyPlaylist)
	}
	return nil
}
