package main

import (
	"context"
	"os"
	"time"

	"github.com/tryout/tryout/internal/mongodb"
)

// backend names the database every bench of this run uses, printed as
// backend= on every BENCH line: the server TRYOUT_TEST_MONGO_URI names
// (scripts/bench.sh starts FerretDB 2 on ../shared/docdb when it is
// there), else the embedded FerretDB 1.24. Set once in run, before any
// bench.
var backend = "ferretdb1-embedded"

// mongoURI is the bench's database server ("": embedded).
func mongoURI() string { return os.Getenv("TRYOUT_TEST_MONGO_URI") }

// detectBackend names the server at TRYOUT_TEST_MONGO_URI.
func detectBackend(ctx context.Context) error {
	uri := mongoURI()
	if uri == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, b, err := mongodb.Connect(ctx, uri)
	if err != nil {
		return err
	}
	defer c.Disconnect(context.Background())
	backend = b.String()
	return nil
}

// databaseEnv is the configuration that puts a bench's data on the run's
// database server (a database of its own, name), or nothing for the
// embedded one.
func databaseEnv(name string) map[string]string {
	if mongoURI() == "" {
		return nil
	}
	return map[string]string{"TRYOUT_MONGO_URI": mongoURI(), "TRYOUT_MONGO_DATABASE": "bench_" + name,
		"TRYOUT_SESSION_SECRET": "bench-secret-bench-secret-bench-secret"}
}
