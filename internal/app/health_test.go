package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/blob"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		var out map[string]any
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		if res := e.do(req, &out); res.StatusCode != 200 || out["status"] != "ok" {
			t.Errorf("%s: %d %v", path, res.StatusCode, out)
		}
	}
}

func TestReadinessNamesTheDependencyThatIsDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The same app, but its storage client points at a closed port.
	dead, err := blob.New(blob.Options{Endpoint: "127.0.0.1:1", AccessKey: "x", SecretKey: "y"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), e.kit.Config, e.kit.Log, app.Clients{Mongo: e.kit.Mongo, DB: e.kit.DB, Redis: e.kit.Redis, Blobs: dead})
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	var out struct {
		Status string            `json:"status"`
		Down   []string          `json:"down"`
		Checks map[string]string `json:"checks"`
	}
	req, _ := http.NewRequest("GET", srv.URL+"/readyz", nil)
	res := e.do(req, &out)
	if res.StatusCode != 503 || len(out.Down) != 1 || out.Down[0] != "storage" || out.Checks["mongo"] != "ok" || out.Checks["redis"] != "ok" {
		t.Errorf("readyz = %d %+v, want 503 naming storage only", res.StatusCode, out)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/healthz", nil)
	if res := e.do(req, nil); res.StatusCode != 200 {
		t.Errorf("healthz = %d: liveness must not depend on dependencies", res.StatusCode)
	}
}

// TestReadinessReportsTheDataDisk: a data directory that cannot be written
// (here a path under a file) or that has less room than the configured
// minimum makes /readyz answer 503 naming the disk, while the rest is up.
func TestReadinessReportsTheDataDisk(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*config.Config){
		"unwritable": func(c *config.Config) { c.DataDir = filepath.Join(file, "data") },
		"full":       func(c *config.Config) { c.DiskMinFreeBytes = 1 << 62 },
	} {
		cfg := e.kit.Config
		change(&cfg)
		a, err := app.New(context.Background(), cfg, e.kit.Log, app.Clients{Mongo: e.kit.Mongo, DB: e.kit.DB, Redis: e.kit.Redis, Blobs: e.kit.Blobs})
		if err != nil {
			t.Fatal(err)
		}
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		var out struct {
			Down []string `json:"down"`
		}
		req, _ := http.NewRequest("GET", srv.URL+"/readyz", nil)
		res := e.do(req, &out)
		srv.Close()
		if res.StatusCode != 503 || len(out.Down) != 1 || out.Down[0] != "disk" {
			t.Errorf("%s data disk: readyz = %d %v, want 503 naming the disk only", name, res.StatusCode, out.Down)
		}
	}
}
