package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
)

// errNoMedia is what anyone gets for a file they may not have, or that
// does not exist: the two are indistinguishable from outside.
var errNoMedia = httpx.E(http.StatusNotFound, "media_not_found", "There is no such video file.")

// getMedia streams one file of an entry's renditions (playlists, segments,
// posters, previews). A live entry's files are public and cacheable; before
// that, and for the near-original first playable copy, only the entrant
// gets them, never cached by shared caches.
func (a *API) getMedia(c *gin.Context) {
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		httpx.Fail(c, a.Log, errNoMedia)
		return
	}
	e, err := a.Entries.Get(c, id)
	if err != nil {
		httpx.Fail(c, a.Log, errNoMedia)
		return
	}
	key, access := e.MediaFile(strings.TrimPrefix(c.Param("file"), "/"), entrantID(c))
	if access == entries.NoAccess {
		httpx.Fail(c, a.Log, errNoMedia)
		return
	}
	o, err := a.Media.Open(c, a.RenditionsBucket, key)
	if err != nil {
		httpx.Fail(c, a.Log, errNoMedia)
		return
	}
	defer o.Close()
	cache := "private, no-store"
	if access == entries.PublicAccess {
		cache = o.CacheControl
		if cache == "" {
			cache = "public, max-age=300"
		}
	}
	httpx.ServeObject(c, o, cache)
}

// MediaStore opens stored rendition files.
type MediaStore interface {
	Open(ctx context.Context, bucket, key string) (*blob.Object, error)
}
