package httpx

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/blob"
)

// ServeObject streams a stored object with range requests and conditional
// GETs (ETag, Last-Modified) handled, under the given cache policy.
func ServeObject(c *gin.Context, o *blob.Object, cacheControl string) {
	h := c.Writer.Header()
	if o.ContentType != "" {
		h.Set("Content-Type", o.ContentType)
	}
	if o.ETag != "" {
		h.Set("ETag", `"`+o.ETag+`"`)
	}
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(c.Writer, c.Request, "", o.Modified, o)
}
