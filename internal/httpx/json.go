package httpx

import (
	"encoding/json"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"
)

// BindJSON decodes a JSON body strictly: the JSON content type (which a
// cross-site HTML form cannot send), known fields only, one value, at most
// 1 MiB.
func BindJSON(c *gin.Context, v any) error {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		return E(http.StatusUnsupportedMediaType, "json_required", "Send the body as application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return E(http.StatusBadRequest, "invalid_json", "The JSON body could not be read: "+err.Error()+".")
	}
	return nil
}
