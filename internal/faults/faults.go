// Package faults tells a failure of a service Tryout depends on (the
// database, storage or Redis unreachable, timing out, or out of room) from
// every other error, so that each edge answers it as "unavailable, try
// again shortly" rather than as a bug of ours.
package faults

import (
	"context"
	"errors"
	"net"
	"syscall"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// ErrUnavailable marks an error as a dependency's failure; packages that
// recognise their own (storage responses, say) wrap it in.
var ErrUnavailable = errors.New("a service Tryout depends on is unavailable")

// Unavailable reports whether err is a dependency's failure: marked with
// ErrUnavailable, a network error or timeout, a MongoDB server that cannot
// be selected, or a disk that is full.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	var sel topology.ServerSelectionError
	switch {
	case errors.Is(err, ErrUnavailable),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT),
		errors.As(err, &ne),
		errors.As(err, &sel),
		mongo.IsNetworkError(err), mongo.IsTimeout(err):
		return true
	}
	return false
}

// Mark wraps err with ErrUnavailable when it is a dependency's failure, so
// that callers further up need only errors.Is.
func Mark(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !Unavailable(err) {
		return err
	}
	return &marked{err}
}

type marked struct{ err error }

func (m *marked) Error() string   { return m.err.Error() }
func (m *marked) Unwrap() []error { return []error{m.err, ErrUnavailable} }
