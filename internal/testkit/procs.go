package testkit

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// Binary builds the tryout command once per test binary and returns its
// path.
func Binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tryout-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "tryout")
		if b, err := exec.Command("go", "build", "-o", binPath, "github.com/tryout/tryout/cmd/tryout").CombinedOutput(); err != nil {
			binErr = &buildError{err, string(b)}
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "build tryout: " + e.err.Error() + "\n" + e.out }

// Proc is a tryout process a test started. Its output is kept and shown
// when the test fails.
type Proc struct {
	Name string
	Base string // http://addr for serve and dev
	Cmd  *exec.Cmd
	t    testing.TB
	out  *syncBuffer
	done chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// FreeAddr returns a loopback address nothing listens on.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// StartProc runs `tryout args...` with env. For serve and dev it picks a
// free address (added to env as TRYOUT_HTTP_ADDR and TRYOUT_PUBLIC_URL
// unless env names them) and waits until /readyz answers 200.
func StartProc(t testing.TB, name string, env []string, args ...string) *Proc {
	t.Helper()
	p := &Proc{t: t, Name: name, out: &syncBuffer{}, done: make(chan struct{})}
	web := args[0] == "serve" || args[0] == "dev"
	if web {
		addr := lookup(env, "TRYOUT_HTTP_ADDR")
		if addr == "" {
			addr = FreeAddr(t)
			env = append(append([]string{}, env...), "TRYOUT_HTTP_ADDR="+addr)
			if lookup(env, "TRYOUT_PUBLIC_URL") == "" {
				env = append(env, "TRYOUT_PUBLIC_URL=http://"+addr)
			}
		}
		p.Base = "http://" + addr
	}
	p.Cmd = exec.Command(Binary(t), args...)
	p.Cmd.Env = env
	p.Cmd.Stdout, p.Cmd.Stderr = p.out, p.out
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.Cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.Signal(syscall.SIGKILL)
		if t.Failed() {
			t.Logf("--- output of %s:\n%s", p.Name, tail(p.out.String(), 4000))
		}
	})
	if web {
		p.WaitReady(p.Base)
	}
	return p
}

func lookup(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := bytesCut(kv, '='); ok && k == name {
			v = val // the last one wins, as in exec
		}
	}
	return v
}

func bytesCut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// WaitReady waits (bounded: a minute) until base/readyz answers 200.
func (p *Proc) WaitReady(base string) {
	p.t.Helper()
	for i := 0; i < 600; i++ {
		select {
		case <-p.done:
			p.t.Fatalf("%s exited before it was ready:\n%s", p.Name, tail(p.out.String(), 4000))
		default:
		}
		if res, err := http.Get(base + "/readyz"); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s was not ready within a minute:\n%s", p.Name, tail(p.out.String(), 4000))
}

// Signal sends sig and waits (bounded) for the process to end.
func (p *Proc) Signal(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.Cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		_ = p.Cmd.Process.Kill()
		<-p.done
		p.t.Errorf("%s did not stop within a minute of %v", p.Name, sig)
	}
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Output is what the process has printed so far.
func (p *Proc) Output() string { return p.out.String() }

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

var pageTokenRE = regexp.MustCompile(`data-page="([^"]+)"`)

// PageToken reads the vote button's page-view token from an entry page.
func PageToken(t testing.TB, base, entryID string) string {
	t.Helper()
	res, err := http.Get(base + "/e/" + entryID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := PageTokenIn(string(b))
	if tok == "" {
		t.Fatalf("entry page %s has no vote button", entryID)
	}
	return tok
}

// PageTokenIn reads the vote button's page-view token from an entry page's
// HTML ("" when it has none).
func PageTokenIn(body string) string {
	if m := pageTokenRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}
