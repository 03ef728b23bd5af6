package mongodb

import (
	"context"
	"log/slog"
)

// errorsOnly passes on FerretDB's errors only: its info and warning levels
// log every connection and every unsupported command the driver probes
// for. Attributes and groups added with With stay unformatted until a
// record is handled: FerretDB adds the arguments of every SQL statement
// (whole documents) to a new logger twice per statement, and a text
// handler formats them at once, which cost about a sixth of an insert.
type errorsOnly struct {
	h   slog.Handler
	ops []func(slog.Handler) slog.Handler // With calls, applied in Handle
}

func (q errorsOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError && q.h.Enabled(ctx, l)
}

func (q errorsOnly) Handle(ctx context.Context, r slog.Record) error {
	h := q.h
	for _, op := range q.ops {
		h = op(h)
	}
	return h.Handle(ctx, r)
}

func (q errorsOnly) with(op func(slog.Handler) slog.Handler) slog.Handler {
	return errorsOnly{h: q.h, ops: append(q.ops[:len(q.ops):len(q.ops)], op)}
}

func (q errorsOnly) WithAttrs(as []slog.Attr) slog.Handler {
	return q.with(func(h slog.Handler) slog.Handler { return h.WithAttrs(as) })
}

func (q errorsOnly) WithGroup(name string) slog.Handler {
	return q.with(func(h slog.Handler) slog.Handler { return h.WithGroup(name) })
}
