package httpx

import (
	"io"
	"net/http"
	"time"
)

// IdleReader extends the connection's read deadline each time bytes arrive,
// so a long upload may take as long as it needs while a stalled one is cut
// off after idle.
type IdleReader struct {
	r    io.Reader
	rc   *http.ResponseController
	idle time.Duration
	last time.Time
}

// NewIdleReader wraps r, the body of the request w answers.
func NewIdleReader(w http.ResponseWriter, r io.Reader, idle time.Duration) *IdleReader {
	ir := &IdleReader{r: r, rc: http.NewResponseController(w), idle: idle}
	ir.extend(time.Now())
	return ir
}

func (ir *IdleReader) extend(now time.Time) {
	_ = ir.rc.SetReadDeadline(now.Add(ir.idle))
	_ = ir.rc.SetWriteDeadline(now.Add(ir.idle + time.Minute))
	ir.last = now
}

func (ir *IdleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if now := time.Now(); n > 0 && now.Sub(ir.last) > time.Second {
		ir.extend(now)
	}
	return n, err
}
