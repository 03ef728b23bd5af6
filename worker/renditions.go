package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/media"
)

// Outputs is the storage the transcode stage publishes to.
type Outputs interface {
	PutFile(ctx context.Context, bucket, key, path, contentType, cacheControl string) error
	Get(ctx context.Context, bucket, key string, max int64) ([]byte, error)
}

// markerName is written last under a rendition prefix: its presence means
// the whole set is published, so a retry can skip the transcode.
const markerName = "ladder.json"

// renditionPrefix is unique per entry and uploaded original, so a
// resubmitted video never mixes with the old one's outputs.
func renditionPrefix(e entries.Entry) string {
	return "entries/" + e.ID + "/" + path.Base(e.Original.Key) + "/"
}

// published returns the recorded set if a previous run finished publishing.
func (h *MediaHandler) published(ctx context.Context, prefix string) (*entries.Renditions, bool) {
	b, err := h.Outputs.Get(ctx, h.RenditionsBucket, prefix+markerName, 1<<20)
	if err != nil {
		return nil, false
	}
	var r entries.Renditions
	if json.Unmarshal(b, &r) != nil || r.Master == "" {
		return nil, false
	}
	return &r, true
}

// publish uploads every output file not already published early, then
// the marker.
func (h *MediaHandler) publish(ctx context.Context, outDir, prefix string, l media.Ladder, img media.Images, early *earlyPublisher) (entries.Renditions, error) {
	err := filepath.WalkDir(outDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(outDir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if early.uploaded[rel] {
			return nil
		}
		ct, cache := contentType(rel)
		return h.Outputs.PutFile(ctx, h.RenditionsBucket, prefix+rel, p, ct, cache)
	})
	if err != nil {
		return entries.Renditions{}, fmt.Errorf("media: publish: %w", err)
	}
	r := entries.Renditions{Prefix: prefix, Master: prefix + l.Master, Fallback: prefix + l.Fallback,
		Poster: prefix + img.Poster, Sprite: prefix + img.Sprite, SpriteVTT: prefix + img.VTT, Preview: prefix + img.Preview,
		FirstPlayable: early.first}
	for _, g := range l.Rungs {
		r.Variants = append(r.Variants, entries.Variant{Name: g.Name, Width: g.Width, Height: g.Height, VideoKbps: g.VideoKbps})
	}
	for _, f := range img.Frames {
		r.Frames = append(r.Frames, entries.Still{Key: prefix + f.Name, At: f.At})
	}
	b, _ := json.Marshal(r)
	marker := filepath.Join(outDir, markerName)
	if err := os.WriteFile(marker, b, 0o600); err != nil {
		return r, err
	}
	if err := h.Outputs.PutFile(ctx, h.RenditionsBucket, prefix+markerName, marker, "application/json", "no-cache"); err != nil {
		return r, fmt.Errorf("media: publish marker: %w", err)
	}
	return r, nil
}

// contentType gives each output its type and caching: segments and files
// under a versioned prefix never change, so they may be cached for a year.
func contentType(name string) (string, string) {
	const forever = "public, max-age=31536000, immutable"
	switch {
	case name == earlyPlaylist:
		return "application/vnd.apple.mpegurl", "no-cache"
	case strings.HasSuffix(name, ".m3u8"):
		return "application/vnd.apple.mpegurl", forever
	case strings.HasSuffix(name, ".m4s"):
		return "video/iso.segment", forever
	case strings.HasSuffix(name, ".mp4"):
		return "video/mp4", forever
	case strings.HasPrefix(name, entries.FramesDir):
		return "image/jpeg", "private, no-store"
	case strings.HasSuffix(name, ".jpg"):
		return "image/jpeg", forever
	case strings.HasSuffix(name, ".vtt"):
		return "text/vtt", forever
	}
	return "application/octet-stream", forever
}
