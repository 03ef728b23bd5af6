package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
)

func TestUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("entries: not found"), false},
		{io.ErrUnexpectedEOF, false},
		{fmt.Errorf("store: %w", refused), true},
		{fmt.Errorf("put: %w", context.DeadlineExceeded), true},
		{fmt.Errorf("write: %w", syscall.ENOSPC), true},
		{fmt.Errorf("blob: %w", ErrUnavailable), true},
	} {
		if got := Unavailable(tc.err); got != tc.want {
			t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
		if m := Mark(tc.err); tc.want != errors.Is(m, ErrUnavailable) || (tc.err != nil && !errors.Is(m, tc.err)) {
			t.Errorf("Mark(%v) = %v: marked %v, keeps the cause %v", tc.err, m, errors.Is(m, ErrUnavailable), errors.Is(m, tc.err))
		}
	}
}
