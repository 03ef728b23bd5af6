package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/health"
	"github.com/tryout/tryout/internal/httpx"
)

// Checks are the readiness checks of a process: MongoDB, Redis, storage,
// and the data directory (writable, with room to spare). dirs adds more
// directories that must be writable (the worker's media work directory).
func (a *App) Checks(dirs ...string) map[string]health.Check {
	minFree := uint64(max(a.Cfg.DiskMinFreeBytes, 0))
	checks := map[string]health.Check{
		"mongo":   func(ctx context.Context) error { return a.Mongo.Ping(ctx, nil) },
		"redis":   func(ctx context.Context) error { return a.Redis.Ping(ctx).Err() },
		"storage": func(ctx context.Context) error { return a.Blobs.Ping(ctx, a.Cfg.S3BucketOriginals) },
		"disk":    health.Disk(a.Cfg.DataDir, minFree),
	}
	for _, d := range dirs {
		checks["disk:"+d] = health.Disk(d, minFree)
	}
	return checks
}

// WorkerHealth serves a worker's /healthz and /readyz on addr until ctx
// ends. Ready means its task server runs (running reports it) and every
// check passes. It returns once listening.
func (a *App) WorkerHealth(ctx context.Context, addr string, running *atomic.Bool) error {
	checks := a.Checks(a.Cfg.MediaTempDir)
	checks["tasks"] = func(context.Context) error {
		if !running.Load() {
			return errors.New("the task server is not running")
		}
		return nil
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(httpx.Recovery(a.Log))
	(&health.Handler{Timeout: 3 * time.Second, Log: a.Log, Checks: checks}).Routes(r)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("worker health", "err", err)
		}
	}()
	a.Log.Info("worker health listening", slog.String("addr", ln.Addr().String()))
	return nil
}
