// Package present holds the public view models that both the JSON API
// (api) and the server-rendered pages (web) show: an entry's playback
// URLs, its held votes in plain words, and the name of the share cookie.
// It turns domain values into what a viewer may see; it knows nothing of
// HTTP handlers, so neither edge has to import the other.
package present

import "github.com/tryout/tryout/internal/entries"

// RefCookie is the share link a visitor arrived through (set by the entry
// page, read when the visitor enters or votes).
const RefCookie = "tryout_ref"

// Playback gives the URLs of an entry's playable files. Ready says the
// whole ladder is published; before that only FirstPlayable (the entrant's
// private preview: an MP4 or a growing HLS playlist) may be there.
type Playback struct {
	Ready         bool   `json:"ready"`
	HLS           string `json:"hls,omitempty"`
	MP4           string `json:"mp4,omitempty"`
	Poster        string `json:"poster,omitempty"`
	Preview       string `json:"preview,omitempty"`
	Thumbnails    string `json:"thumbnails_vtt,omitempty"`
	Captions      string `json:"captions_vtt,omitempty"`
	FirstPlayable string `json:"first_playable,omitempty"`
}

// NewPlayback builds the playback URLs of e for a viewer; owner adds the
// private first playable copy. Nil when there is nothing to play.
func NewPlayback(e entries.Entry, owner bool) *Playback {
	r := e.Renditions
	if r == nil || r.Prefix == "" {
		return nil
	}
	url := e.MediaPath
	p := &Playback{Ready: r.Ready(), HLS: url(r.Master), MP4: url(r.Fallback), Poster: url(r.Poster), Preview: url(r.Preview),
		Thumbnails: url(r.SpriteVTT), Captions: url(e.Captions)}
	if owner {
		p.FirstPlayable = url(r.FirstPlayable)
	}
	if !p.Ready && p.FirstPlayable == "" {
		return nil
	}
	return p
}
