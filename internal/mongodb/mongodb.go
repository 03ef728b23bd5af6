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

// Connect opens a client and checks it can reach the server. With FerretDB
// (single=true) the pool holds one connection: FerretDB 1.24 does not make a
// single-document update atomic across connections, and one shared
// connection makes it exact.
func Connect(ctx context.Context, uri string, single bool) (*mongo.Client, error) {
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

// IsFerretDB reports whether the server is FerretDB (its buildInfo names
// its version), whose query planner looks documents up by key only for a
// filter that is exactly {_id}.
func IsFerretDB(ctx context.Context, c *mongo.Client) bool {
	var info bson.M
	if err := c.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false
	}
	_, ok := info["ferretdbVersion"]
	return ok
}
