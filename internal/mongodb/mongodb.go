// Package mongodb connects to MongoDB or starts the embedded FerretDB, and
// owns the index definitions every store relies on.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Embedded is a FerretDB server running inside this process on SQLite files.
type Embedded struct {
	URI    string
	cancel context.CancelFunc
	done   chan struct{}
}

// StartEmbedded runs FerretDB with its SQLite backend in dir (created if
// missing), listening on addr (use 127.0.0.1:0 for a free port). Only
// FerretDB's errors reach log.
func StartEmbedded(dir, addr string, log *slog.Logger) (*Embedded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded mongo: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("embedded mongo: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    slog.New(errorsOnly{h: log.Handler()}),
	})
	if err != nil {
		return nil, fmt.Errorf("embedded mongo: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Embedded{URI: f.MongoDBURI(), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = f.Run(ctx)
	}()
	return e, nil
}

// Stop stops the server and waits for it, at most until ctx ends.
func (e *Embedded) Stop(ctx context.Context) error {
	e.cancel()
	select {
	case <-e.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("embedded mongo: stop: %w", ctx.Err())
	}
}

// Connect opens a client to uri and checks it can reach the server. The
// pool is full unless the server turns out to be FerretDB 1.x, which does
// not make a single-document update atomic across connections: then the
// client is reopened with one connection, which makes it exact. The
// returned Backend says which server it is.
func Connect(ctx context.Context, uri string) (*mongo.Client, Backend, error) {
	c, err := dial(ctx, uri, false)
	if err != nil {
		return nil, Backend{}, err
	}
	b := Detect(ctx, c)
	if b.Concurrent() {
		return c, b, nil
	}
	_ = c.Disconnect(context.Background())
	if c, err = dial(ctx, uri, true); err != nil {
		return nil, Backend{}, err
	}
	return c, b, nil
}

func dial(ctx context.Context, uri string, single bool) (*mongo.Client, error) {
	opts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(10 * time.Second).
		SetConnectTimeout(10 * time.Second)
	if single {
		opts.SetMaxPoolSize(1)
	}
	c, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	if err := c.Ping(ctx, readpref.Primary()); err != nil {
		_ = c.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo: ping: %w", err)
	}
	return c, nil
}

// IsDuplicate reports whether err is a duplicate-key error from an insert.
func IsDuplicate(err error) bool { return mongo.IsDuplicateKeyError(err) }

// IsNotFound reports whether err means no document matched.
func IsNotFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// Backend names the server a client talks to.
type Backend struct {
	// Kind is "mongodb", "ferretdb1" (FerretDB 1.x, the embedded default)
	// or "ferretdb2" (FerretDB 2 on PostgreSQL/DocumentDB).
	Kind    string
	Version string // the server's own version (FerretDB's, not the MongoDB it imitates)
}

// The backend kinds.
const (
	KindMongoDB   = "mongodb"
	KindFerretDB1 = "ferretdb1"
	KindFerretDB2 = "ferretdb2"
)

// Concurrent reports whether the server keeps single-document updates
// atomic across connections and uses secondary indexes (MongoDB and
// FerretDB 2). On FerretDB 1.x every writer must share one connection, and
// only unique indexes are worth having.
func (b Backend) Concurrent() bool { return b.Kind != KindFerretDB1 }

// String is the kind and version, for logs and bench lines.
func (b Backend) String() string { return b.Kind + "-" + strings.TrimPrefix(b.Version, "v") }

// Detect reads the server's buildInfo: FerretDB 1.x names its own version
// in ferretdbVersion (the embedded 1.24 says "unknown": its version is set
// only when its own binary is built), FerretDB 2 in ferretdb.version
// (v2.x); anything else is MongoDB. A server that will
// not say is taken for the cautious kind, FerretDB 1.x.
func Detect(ctx context.Context, c *mongo.Client) Backend {
	var info struct {
		Version   string `bson:"version"`
		FerretDB  string `bson:"ferretdbVersion"` // FerretDB 1.x
		FerretDB2 struct {
			Version string `bson:"version"`
		} `bson:"ferretdb"` // FerretDB 2.x
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return Backend{Kind: KindFerretDB1, Version: "unknown"}
	}
	if info.FerretDB == "" {
		info.FerretDB = info.FerretDB2.Version
	}
	v := strings.TrimPrefix(info.FerretDB, "v")
	switch {
	case info.FerretDB == "":
		return Backend{Kind: KindMongoDB, Version: info.Version}
	case v != "" && v[0] >= '2' && v[0] <= '9' && (len(v) == 1 || v[1] == '.'):
		return Backend{Kind: KindFerretDB2, Version: info.FerretDB}
	default:
		// FerretDB 1.x, and any FerretDB that does not say which (the
		// embedded 1.24 reports "unknown": its version is set only when
		// its own binary is built): the cautious kind.
		return Backend{Kind: KindFerretDB1, Version: info.FerretDB}
	}
}
