package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/testkit"
)

func TestUsageAndEnv(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), nil, os.Getenv, &out, &errb); !errors.Is(err, errUsage) {
		t.Errorf("no args: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, os.Getenv, &out, &errb); !errors.Is(err, errUsage) {
		t.Errorf("unknown command: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"env"}, os.Getenv, &out, &errb); err != nil || !strings.Contains(out.String(), "TRYOUT_MONGO_URI") {
		t.Errorf("env: %v\n%s", err, out.String())
	}
	bad := func(k string) string {
		if k == "TRYOUT_HTTP_ADDR" {
			return "nonsense"
		}
		return ""
	}
	if err := run(context.Background(), []string{"dev"}, bad, &out, &errb); err == nil || !strings.Contains(err.Error(), "TRYOUT_HTTP_ADDR") {
		t.Errorf("bad config: %v", err)
	}
}

func TestServeAndWorkerNeedMongoURI(t *testing.T) {
	for _, cmd := range []string{"serve", "worker"} {
		var out bytes.Buffer
		env := map[string]string{"TRYOUT_SESSION_SECRET": strings.Repeat("s", 32)}
		err := run(context.Background(), []string{cmd}, func(k string) string { return env[k] }, &out, &out)
		if err == nil || !strings.Contains(err.Error(), "tryout dev") {
			t.Errorf("%s without TRYOUT_MONGO_URI: %v", cmd, err)
		}
	}
}

// TestSharedDatabaseNeedsSessionSecret: on a MongoDB server serve, worker
// and dev refuse to start without an explicit secret, in one line that
// names the variable, before connecting to anything.
func TestSharedDatabaseNeedsSessionSecret(t *testing.T) {
	env := map[string]string{"TRYOUT_MONGO_URI": "mongodb://127.0.0.1:1/"}
	for _, cmd := range []string{"serve", "worker", "dev"} {
		var out bytes.Buffer
		err := run(context.Background(), []string{cmd}, func(k string) string { return env[k] }, &out, &out)
		if !errors.Is(err, config.ErrSharedSecret) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s on a MongoDB URI without TRYOUT_SESSION_SECRET: %v", cmd, err)
		}
	}
}

// TestDevLifecycle runs the real `tryout dev` on the embedded database:
// migrate twice, bootstrap staff once, start, become ready, stop cleanly on
// the shutdown signal.
func TestDevLifecycle(t *testing.T) {
	redisAddr, s3 := os.Getenv(testkit.EnvRedisAddr), os.Getenv(testkit.EnvS3Endpoint)
	if redisAddr == "" || s3 == "" {
		t.Fatal("run with make test: Redis and MinIO addresses are not set")
	}
	k := testkit.New(t) // for its Redis database and cleanup
	addr := freeAddr(t)
	bucket := "t-" + ids.New("")[:16]
	env := map[string]string{
		"TRYOUT_HTTP_ADDR": addr, "TRYOUT_DATA_DIR": t.TempDir(), "TRYOUT_LOG_LEVEL": "warn",
		"TRYOUT_REDIS_ADDR": redisAddr, "TRYOUT_REDIS_DB": fmt.Sprint(k.Config.RedisDB), "TRYOUT_S3_ENDPOINT": s3,
		"TRYOUT_S3_BUCKET_ORIGINALS": bucket + "-o", "TRYOUT_S3_BUCKET_RENDITIONS": bucket + "-r",
		"TRYOUT_SHUTDOWN_TIMEOUT": "5s",
	}
	getenv := func(k string) string { return env[k] }
	t.Cleanup(func() {
		for _, b := range []string{bucket + "-o", bucket + "-r"} {
			_ = k.Blobs.RemoveBucket(context.Background(), b)
		}
	})
	var out bytes.Buffer
	for range 2 {
		if err := run(context.Background(), []string{"migrate"}, getenv, &out, &out); err != nil {
			t.Fatalf("migrate: %v\n%s", err, out.String())
		}
	}
	out.Reset()
	create := []string{"admin", "create-user", "--if-none", "--email", "first@example.com", "--role", "owner"}
	if err := run(context.Background(), create, getenv, &out, &out); err != nil || !strings.Contains(out.String(), "password (shown once") {
		t.Fatalf("first create-user: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), create, getenv, &out, &out); err != nil || !strings.Contains(out.String(), "none created") {
		t.Fatalf("second create-user: %v\n%s", err, out.String())
	}

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() { done <- run(ctx, []string{"dev"}, getenv, &logs, &logs) }()
	ready := false
	for i := 0; i < 300 && !ready; i++ {
		select {
		case err := <-done:
			t.Fatalf("dev exited early: %v\n%s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			ready = res.StatusCode == 200
			res.Body.Close()
		}
	}
	if !ready {
		stop()
		t.Fatalf("dev never became ready\n%s", logs.String())
	}
	stop() // what SIGINT/SIGTERM does through signal.NotifyContext
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("dev shutdown: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("dev did not stop")
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("still listening after shutdown")
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
