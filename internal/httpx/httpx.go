// Package httpx holds what every HTTP module shares: the one error shape,
// request logging, panic recovery and per-request deadlines.
package httpx

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/faults"
)

// Error is the one error shape clients see: a stable machine code, a safe
// message and the status. Err, the internal cause, is logged, never sent.
type Error struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
	Err     error
	// RetryAfter, when set, is sent as the Retry-After header: when the
	// request is worth sending again.
	RetryAfter time.Duration
}

// RetryUnavailable is the Retry-After hint of an unavailable answer.
const RetryUnavailable = 10 * time.Second

// Unavailable is the answer when a service Tryout depends on fails: 503,
// "unavailable", a retry hint; message says what is kept.
func Unavailable(message string, cause error) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: message, Err: cause, RetryAfter: RetryUnavailable}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an Error.
func E(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

type body struct {
	Error payload `json:"error"`
}

type payload struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Fail writes err as JSON and stops the chain. Anything that is not an
// *Error becomes a 500 with a generic message; the cause goes to the log.
func Fail(c *gin.Context, log *slog.Logger, err error) {
	he := Prepare(c, log, err)
	c.AbortWithStatusJSON(he.Status, body{payload{he.Code, he.Message, he.Fields}})
}

// Prepare is Fail without the answer, for an edge that answers in another
// form (a page): err in the one error shape, a failure on our side logged,
// Retry-After set.
func Prepare(c *gin.Context, log *slog.Logger, err error) *Error {
	he := Resolve(err)
	if he.Status >= 500 {
		log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "code", he.Code, "err", he.Err)
	}
	msg := he.Message
	if _, ok := c.Get(langKey); ok { // only where a module asked for languages
		msg = localize(Lang(c), he)
	}
	if he.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int(he.RetryAfter.Round(time.Second).Seconds())))
	}
	if msg != he.Message {
		out := *he
		out.Message = msg
		he = &out
	}
	return he
}

// Resolve is err in the one error shape: itself when it is an *Error, 503
// when a service Tryout depends on is unreachable, else a generic 500.
func Resolve(err error) *Error {
	var he *Error
	switch {
	case errors.As(err, &he):
		return he
	case faults.Unavailable(err):
		return Unavailable("We cannot reach our storage or database just now. Everything you saved before is kept; please try again in a minute.", err)
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "Something went wrong on our side. Please try again.", Err: err}
}

// Logger logs one line per request.
func Logger(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !log.Enabled(c, slog.LevelInfo) {
			c.Next()
			return
		}
		start := time.Now()
		c.Next()
		log.Info("http", "method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(),
			"bytes", c.Writer.Size(), "dur", time.Since(start).Round(time.Microsecond))
	}
}

// Recovery turns a panic into the JSON 500 and logs it.
func Recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				Fail(c, log, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

// Deadlines sets read and write deadlines for ordinary requests. The server
// itself has none, so upload routes can extend theirs as bytes arrive.
func Deadlines(read, write time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		rc := http.NewResponseController(c.Writer)
		now := time.Now()
		_ = rc.SetReadDeadline(now.Add(read))
		_ = rc.SetWriteDeadline(now.Add(write))
		c.Next()
	}
}

// NotFound answers unknown routes in the error shape.
func NotFound(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		Fail(c, log, E(http.StatusNotFound, "not_found", "There is nothing at this address."))
	}
}
