// Package testkit gives each test real services of its own: a fresh Mongo
// database (embedded FerretDB unless TRYOUT_TEST_MONGO_URI names a server),
// a fresh Redis database, and fresh private buckets in MinIO, all removed
// when the test ends. Redis and MinIO come from scripts/test.sh (make test),
// which starts throw-away servers on free loopback ports and exports
// TRYOUT_TEST_REDIS_ADDR and TRYOUT_TEST_S3_ENDPOINT.
package testkit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mongodb"
)

// Kit is one test's set of services.
type Kit struct {
	Mongo     *mongo.Client
	DB        *mongo.Database
	Redis     *redis.Client
	Blobs     *blob.Store
	Config    config.Config // points at this kit's database, Redis DB and buckets
	Log       *slog.Logger
	Embedded  bool            // the database is the in-process FerretDB
	Backend   mongodb.Backend // which server the database is on
	redisAddr string
	env       map[string]string
}

var (
	shared     sharedServices
	sharedOnce sync.Once
)

type sharedServices struct {
	uri      string
	mongo    *mongo.Client
	backend  mongodb.Backend
	embedded bool
	err      error
}

// Env names the variables the kit reads.
const (
	EnvMongoURI   = "TRYOUT_TEST_MONGO_URI"
	EnvRedisAddr  = "TRYOUT_TEST_REDIS_ADDR"
	EnvS3Endpoint = "TRYOUT_TEST_S3_ENDPOINT"
	EnvS3Access   = "TRYOUT_TEST_S3_ACCESS_KEY"
	EnvS3Secret   = "TRYOUT_TEST_S3_SECRET_KEY"
	EnvLog        = "TRYOUT_TEST_LOG"
)

// New returns a Kit for t, failing t with instructions if the services are
// not there.
func New(t testing.TB) *Kit {
	t.Helper()
	redisAddr, s3 := os.Getenv(EnvRedisAddr), os.Getenv(EnvS3Endpoint)
	if redisAddr == "" || s3 == "" {
		t.Fatalf("testkit: %s and %s are not set: run the tests with `make test` (or scripts/test.sh go test ./...), which starts Redis and MinIO", EnvRedisAddr, EnvS3Endpoint)
	}
	sharedOnce.Do(startShared)
	if shared.err != nil {
		t.Fatalf("testkit: mongo: %v", shared.err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	k := &Kit{Mongo: shared.mongo, Embedded: shared.embedded, Backend: shared.backend, Log: logger(), redisAddr: redisAddr}
	dbName := "t_" + ids.New("")[:20]
	k.DB = shared.mongo.Database(dbName)
	t.Cleanup(func() { _ = k.DB.Drop(context.Background()) })

	redisDB := allocRedisDB(ctx, t, redisAddr)
	k.Redis = redis.NewClient(&redis.Options{Addr: redisAddr, DB: redisDB})
	t.Cleanup(func() {
		_ = k.Redis.FlushDB(context.Background()).Err()
		_ = k.Redis.Close()
	})

	access, secret := envOr(EnvS3Access, "minioadmin"), envOr(EnvS3Secret, "minioadmin")
	originals, renditions := "t-"+ids.New("")[:20]+"-o", "t-"+ids.New("")[:20]+"-r"
	k.env = map[string]string{
		"TRYOUT_MONGO_URI": shared.uri, "TRYOUT_MONGO_DATABASE": dbName,
		"TRYOUT_REDIS_ADDR": redisAddr, "TRYOUT_REDIS_DB": fmt.Sprint(redisDB),
		"TRYOUT_S3_ENDPOINT": s3, "TRYOUT_S3_ACCESS_KEY": access, "TRYOUT_S3_SECRET_KEY": secret,
		"TRYOUT_S3_BUCKET_ORIGINALS": originals, "TRYOUT_S3_BUCKET_RENDITIONS": renditions,
		"TRYOUT_SESSION_SECRET": "test-secret-" + ids.New("") + ids.New(""),
		"TRYOUT_DATA_DIR":       t.TempDir(), "TRYOUT_SHUTDOWN_TIMEOUT": "10s", "TRYOUT_MEDIA_TIMEOUT": "2m",
		// No quiet hours: a test's milestone emails must not depend on the
		// hour it runs at (the pacing test sets its own).
		"TRYOUT_MAIL_QUIET_FROM": "0", "TRYOUT_MAIL_QUIET_TO": "0",
	}
	cfg, err := config.Load(mapEnv(k.env))
	if err != nil {
		t.Fatalf("testkit: config: %v", err)
	}
	k.Config = cfg
	k.Blobs, err = blob.New(blob.Options{Endpoint: s3, AccessKey: access, SecretKey: secret, Region: cfg.S3Region, PartSize: 5 << 20})
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	for _, b := range []string{originals, renditions} {
		if err := k.Blobs.EnsureBucket(ctx, b); err != nil {
			t.Fatalf("testkit: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := k.Blobs.RemoveBucket(ctx, b); err != nil {
				t.Logf("testkit: cleanup bucket %s: %v", b, err)
			}
		})
	}
	if err := mongodb.Migrate(ctx, k.DB); err != nil {
		t.Fatalf("testkit: migrate: %v", err)
	}
	return k
}

// startShared connects once per test binary: to TRYOUT_TEST_MONGO_URI, or to
// an embedded FerretDB in a temporary directory. One client is shared by
// every test in the binary, made as the product makes it: a full pool on
// MongoDB and FerretDB 2, a single connection on FerretDB 1.x.
func startShared() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	uri := os.Getenv(EnvMongoURI)
	if uri == "" {
		dir, err := os.MkdirTemp("", "tryout-ferretdb-")
		if err != nil {
			shared.err = err
			return
		}
		e, err := mongodb.StartEmbedded(dir, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			shared.err = err
			return
		}
		uri, shared.embedded = e.URI, true
	}
	shared.uri = uri
	shared.mongo, shared.backend, shared.err = mongodb.Connect(ctx, uri)
}

// allocRedisDB hands out a Redis database number no other live test uses.
// scripts/test.sh starts Redis with 256 databases; database 0 holds the
// counter.
func allocRedisDB(ctx context.Context, t testing.TB, addr string) int {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	n, err := c.Incr(ctx, "testkit:next-db").Result()
	if err != nil {
		t.Fatalf("testkit: redis at %s: %v", addr, err)
	}
	return int(n%255) + 1
}

// Env is the kit's configuration as TRYOUT_* variables, for running a
// product binary (tryout worker, tryout serve) against the kit's services.
func (k *Kit) Env() []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for name, v := range k.env {
		env = append(env, name+"="+v)
	}
	return env
}

// RedisAddr is the test Redis server's address.
func (k *Kit) RedisAddr() string { return k.redisAddr }

func logger() *slog.Logger {
	if os.Getenv(EnvLog) != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
