package app_test

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

// tryoutBinary builds the tryout command once per test binary.
func tryoutBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tryout-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "tryout")
		if b, err := exec.Command("go", "build", "-o", binPath, "../../cmd/tryout").CombinedOutput(); err != nil {
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

func (e *buildError) Error() string { return "build: " + e.err.Error() + "\n" + e.out }

// proc is a tryout process started by a test. Its output is kept and shown
// when the test fails.
type proc struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	base string // http://addr for serve and dev
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

// freeLoopback returns an address on 127.0.0.1 nothing listens on.
func freeLoopback(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startProc runs `tryout args...` with env. For serve and dev it picks a
// free address (unless env names one) and waits until /readyz answers 200.
func startProc(t *testing.T, name string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: name, out: &syncBuffer{}, done: make(chan struct{})}
	web := args[0] == "serve" || args[0] == "dev"
	if web {
		addr := freeLoopback(t)
		env = append(append([]string{}, env...), "TRYOUT_HTTP_ADDR="+addr, "TRYOUT_PUBLIC_URL=http://"+addr)
		p.base = "http://" + addr
	}
	p.cmd = exec.Command(tryoutBinary(t), args...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		if t.Failed() {
			t.Logf("--- output of %s:\n%s", p.name, tail(p.out.String(), 4000))
		}
	})
	if web {
		p.waitReady()
	}
	return p
}

// waitReady waits (bounded) until the process answers /readyz with 200.
func (p *proc) waitReady() {
	p.t.Helper()
	for i := 0; i < 600; i++ {
		select {
		case <-p.done:
			p.t.Fatalf("%s exited before it was ready:\n%s", p.name, tail(p.out.String(), 4000))
		default:
		}
		if res, err := http.Get(p.base + "/readyz"); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s was not ready within a minute:\n%s", p.name, tail(p.out.String(), 4000))
}

// signal sends sig and waits (bounded) for the process to end.
func (p *proc) signal(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		_ = p.cmd.Process.Kill()
		<-p.done
		p.t.Errorf("%s did not stop within a minute of %v", p.name, sig)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

var pageTokenRE = regexp.MustCompile(`data-page="([^"]+)"`)

// pageToken reads the vote button's page-view token from an entry page.
func pageToken(t *testing.T, base, entryID string) string {
	t.Helper()
	res, err := http.Get(base + "/e/" + entryID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := pageTokenRE.FindSubmatch(b)
	if m == nil {
		t.Fatalf("entry page %s has no vote button", entryID)
	}
	return string(m[1])
}
