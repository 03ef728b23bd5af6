package admin

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/httpx"
)

// TestConsoleFailures: a console page that fails on our side answers with
// the problem page; the admin API, a request asking for JSON and a refusal
// of the request itself keep the JSON error shape. A panic is a failure
// like any other.
func TestConsoleFailures(t *testing.T) {
	gin.SetMode(gin.TestMode)
	a := &Admin{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	r := gin.New()
	if err := a.Routes(r.Group("/admin")); err != nil {
		t.Fatal(err)
	}
	boom := func(c *gin.Context) { a.fail(c, errors.New("mongo: connection refused at 10.0.0.7")) }
	g := r.Group("/admin", a.recovery)
	g.GET("/x/boom", boom)
	g.GET("/api/x/boom", boom)
	g.GET("/x/refused", func(c *gin.Context) { a.fail(c, httpx.E(http.StatusConflict, "taken", "That is taken.")) })
	g.GET("/x/panic", func(*gin.Context) { panic("nil map") })

	for _, tc := range []struct {
		path, accept string
		status       int
		html         bool
	}{
		{"/admin/x/boom", "text/html", 500, true},
		{"/admin/x/panic", "", 500, true},
		{"/admin/x/boom", "application/json", 500, false},
		{"/admin/api/x/boom", "", 500, false},
		{"/admin/x/refused", "text/html", 409, false},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		body := w.Body.String()
		if w.Code != tc.status {
			t.Errorf("%s (%s): status %d, want %d", tc.path, tc.accept, w.Code, tc.status)
		}
		if strings.Contains(body, "10.0.0.7") || strings.Contains(body, "nil map") {
			t.Errorf("%s: the internal error reached the answer: %s", tc.path, body)
		}
		if tc.html {
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, "<h1>Something went wrong</h1>") ||
				!strings.Contains(body, "Something went wrong on our side. Please try again.") {
				t.Errorf("%s: want the problem page, got %s %q", tc.path, ct, body)
			}
			continue
		}
		var out struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.Error.Code == "" {
			t.Errorf("%s (%s): want the JSON error shape, got %q", tc.path, tc.accept, body)
		}
	}
}
