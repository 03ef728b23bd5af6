package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/app"
)

// benchApp opens the product on the services scripts/bench.sh started:
// data under work, Redis database db, buckets named after name, extra
// configuration on top. The returned cleanup removes the buckets, empties
// the Redis database and closes the app.
func benchApp(ctx context.Context, work, name, db string, extra map[string]string) (*app.App, func(), error) {
	redisAddr, s3 := os.Getenv("TRYOUT_TEST_REDIS_ADDR"), os.Getenv("TRYOUT_TEST_S3_ENDPOINT")
	if redisAddr == "" || s3 == "" {
		return nil, nil, errors.New("run through scripts/bench.sh (make bench), which starts Redis and MinIO")
	}
	env := map[string]string{
		"TRYOUT_DATA_DIR": filepath.Join(work, "data"), "TRYOUT_REDIS_ADDR": redisAddr, "TRYOUT_REDIS_DB": db,
		"TRYOUT_S3_ENDPOINT": s3, "TRYOUT_S3_BUCKET_ORIGINALS": "bench-" + name + "-originals", "TRYOUT_S3_BUCKET_RENDITIONS": "bench-" + name + "-renditions",
		"TRYOUT_LOG_LEVEL": "warn",
	}
	for k, v := range databaseEnv(name) {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		return nil, nil, err
	}
	// Logs are thrown away, but at the configured level (as the product
	// builds them), so a bench does not pay for lines it asked not to have.
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: cfg.LogLevel})), true)
	if err != nil {
		return nil, nil, err
	}
	a.Start(ctx)
	cleanup := func() {
		for _, b := range []string{cfg.S3BucketOriginals, cfg.S3BucketRenditions} {
			_ = a.Blobs.RemoveBucket(context.Background(), b)
		}
		a.Redis.FlushDB(context.Background())
		if !cfg.Embedded() {
			_ = a.DB.Drop(context.Background())
		}
		a.Close(context.Background())
	}
	if !cfg.Embedded() { // a database of the bench's own, fresh
		if err := a.DB.Drop(ctx); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	if err := a.Migrate(ctx); err != nil {
		cleanup()
		return nil, nil, err
	}
	a.Redis.FlushDB(ctx)
	return a, cleanup, nil
}

// serveLoopback serves h on a free loopback port.
// serveApp serves the app's whole handler on loopback.
func serveApp(a *app.App) (string, func(), error) {
	h, err := a.Handler()
	if err != nil {
		return "", nil, err
	}
	return serveLoopback(h)
}

func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// startProfile writes a CPU profile to TRYOUT_BENCH_CPUPROFILE, when set,
// until the returned stop is called (for finding where the time goes). A
// suffix names a second profile of the same run (TRYOUT_BENCH_CPUPROFILE
// plus suffix), e.g. of the baseline to compare with.
func startProfile(suffix ...string) (stop func(), err error) {
	path := os.Getenv("TRYOUT_BENCH_CPUPROFILE")
	if path == "" {
		return func() {}, nil
	}
	path += strings.Join(suffix, "")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

type loadResult struct {
	rps      float64
	p50, p99 time.Duration
	cpu      time.Duration   // this process's CPU time (user+system) per answer
	lat      []time.Duration // every answer's latency, sorted
	elapsed  time.Duration
}

// loadSpec is one run of the load tool.
type loadSpec struct {
	workers int                   // keep-alive clients
	rate    float64               // requests per second in total; 0: as fast as they go
	method  string                // GET or POST (no body)
	url     func(i int) string    // the i-th request's address
	header  func(r *http.Request) // optional: set headers
	created *atomic.Int64         // optional: counts 201 answers
	for_    time.Duration         // how long (0: loadDuration)
}

// load runs s.workers clients for loadDuration (no cookies kept) and
// reports the rate of answers and their latencies. Every answer must be
// 2xx.
func load(ctx context.Context, s loadSpec) (loadResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: s.workers, MaxConnsPerHost: s.workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var (
		mu   sync.Mutex
		lat  []time.Duration
		fail error
		wg   sync.WaitGroup
	)
	var interval time.Duration
	if s.rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(s.workers) / s.rate)
	}
	cpu0 := processCPU()
	start := time.Now()
	d := s.for_
	if d <= 0 {
		d = loadDuration
	}
	deadline := start.Add(d)
	for w := range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			// Paced clients start spread over one interval, so requests
			// arrive at a steady rate rather than in waves of s.workers.
			next := start.Add(interval * time.Duration(w) / time.Duration(s.workers))
			for i := w; time.Now().Before(deadline) && ctx.Err() == nil; i += s.workers {
				if interval > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					next = next.Add(interval)
				}
				req, _ := http.NewRequestWithContext(ctx, s.method, s.url(i), nil)
				if s.header != nil {
					s.header(req)
				}
				t := time.Now()
				res, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode/100 != 2 {
						err = fmt.Errorf("%s %s: status %d", s.method, req.URL.Path, res.StatusCode)
					}
					if err == nil && res.StatusCode == http.StatusCreated && s.created != nil {
						s.created.Add(1)
					}
				}
				if err != nil {
					mu.Lock()
					fail = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	if fail != nil {
		return loadResult{}, fail
	}
	if len(lat) == 0 {
		return loadResult{}, errors.New("no requests completed")
	}
	slices.Sort(lat)
	return loadResult{rps: float64(len(lat)) / elapsed.Seconds(), p50: lat[len(lat)/2], p99: lat[len(lat)*99/100],
		cpu: cpu / time.Duration(len(lat)), lat: lat, elapsed: elapsed}, nil
}

// merge is the result of several loads of the same kind taken as one.
func merge(rs ...loadResult) loadResult {
	var out loadResult
	var cpu time.Duration
	for _, r := range rs {
		out.lat = append(out.lat, r.lat...)
		out.elapsed += r.elapsed
		cpu += r.cpu * time.Duration(len(r.lat))
	}
	if len(out.lat) == 0 {
		return out
	}
	slices.Sort(out.lat)
	n := len(out.lat)
	out.rps, out.p50, out.p99, out.cpu = float64(n)/out.elapsed.Seconds(), out.lat[n/2], out.lat[n*99/100], cpu/time.Duration(n)
	return out
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
