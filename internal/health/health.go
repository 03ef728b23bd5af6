// Package health answers liveness and readiness probes.
package health

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
)

// Check reports whether one dependency is reachable.
type Check func(ctx context.Context) error

// Handler serves /healthz and /readyz.
type Handler struct {
	Checks  map[string]Check // name -> check, e.g. "mongo", "redis", "storage"
	Timeout time.Duration
	Log     *slog.Logger
}

// Routes registers both probes.
func (h *Handler) Routes(r gin.IRoutes) {
	r.GET("/healthz", h.live)
	r.GET("/readyz", h.ready)
}

func (h *Handler) live(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// ready runs every check in parallel. A failing dependency is named with
// "down"; the cause stays in the log.
func (h *Handler) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), h.Timeout)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	results := map[string]string{}
	for name, check := range h.Checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status := "ok"
			if err := check(ctx); err != nil {
				status = "down"
				h.Log.Warn("readiness check failed", "check", name, "err", err)
			}
			mu.Lock()
			results[name] = status
			mu.Unlock()
		}()
	}
	wg.Wait()
	var down []string
	for name, s := range results {
		if s != "ok" {
			down = append(down, name)
		}
	}
	sort.Strings(down)
	if len(down) > 0 {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "down": down, "checks": results})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "checks": results})
}

// Disk checks that dir can be written: a small file is created, synced and
// removed, and the file system must have at least minFree bytes free (a
// full disk fails uploads' temp files, transcodes and the embedded
// database long before a write of a few bytes does).
func Disk(dir string, minFree uint64) Check {
	return func(ctx context.Context) error {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("disk: %w", err)
		}
		f, err := os.CreateTemp(dir, ".probe-*")
		if err != nil {
			return fmt.Errorf("disk: %w", err)
		}
		defer os.Remove(f.Name())
		_, err = f.Write([]byte("ok"))
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("disk: %w", err)
		}
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err != nil {
			return fmt.Errorf("disk: %w", err)
		}
		if free := st.Bavail * uint64(st.Bsize); free < minFree {
			return fmt.Errorf("disk: %s has %d bytes free, under the %d required", dir, free, minFree)
		}
		return nil
	}
}
