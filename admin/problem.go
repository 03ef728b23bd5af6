package admin

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/httpx"
)

// fail answers a console request that failed. A console page that fails
// on our side (5xx) shows the console's problem page; the admin API
// (/admin/api/), a request that asks for JSON (Accept: application/json)
// and every refusal of the request itself (4xx) get the JSON error shape.
func (a *Admin) fail(c *gin.Context, err error) {
	if he := httpx.Resolve(err); he.Status < 500 || wantsJSON(c) {
		httpx.Fail(c, a.Log, err)
		return
	}
	he := httpx.Prepare(c, a.Log, err)
	title := "Something went wrong"
	if he.Status == http.StatusServiceUnavailable {
		title = "Not available just now"
	}
	a.render(c, he.Status, "problem.html", map[string]any{"Title": title, "Message": he.Message})
	c.Abort()
}

// recovery turns a panic in a console handler into the problem page (or
// the JSON 500, as fail decides) instead of the engine's JSON answer.
func (a *Admin) recovery(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			a.fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}
