package testkit

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Proxy is a loopback TCP proxy in front of a service. It can slow uploads
// down (so a test can act mid-transfer) and cut every connection for a
// while (a dropped phone connection), without touching the service.
type Proxy struct {
	Addr   string
	target string
	rate   int64 // client-to-server bytes per second; 0 is unlimited
	up     atomic.Int64
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]struct{}
}

// StartProxy forwards a loopback port to target until the test ends.
func StartProxy(t testing.TB, target string, bytesPerSecond int64) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: l.Addr().String(), target: target, rate: bytesPerSecond, conns: map[net.Conn]struct{}{}}
	go p.serve(l)
	t.Cleanup(func() { l.Close(); p.closeAll() })
	return p
}

// Uploaded is how many bytes clients have sent through the proxy.
func (p *Proxy) Uploaded() int64 { return p.up.Load() }

// Outage drops every open connection and refuses new ones for d.
func (p *Proxy) Outage(d time.Duration) {
	p.mu.Lock()
	p.down = true
	p.mu.Unlock()
	p.closeAll()
	time.AfterFunc(d, func() { p.mu.Lock(); p.down = false; p.mu.Unlock() })
}

// Down reports whether an outage is in progress.
func (p *Proxy) Down() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.down }

func (p *Proxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *Proxy) serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c] = struct{}{}
		p.mu.Unlock()
		go p.pipe(c)
	}
}

func (p *Proxy) pipe(c net.Conn) {
	s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[s] = struct{}{}
	p.mu.Unlock()
	go func() { _, _ = io.Copy(c, s); c.Close() }()
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			p.up.Add(int64(n))
			if p.rate > 0 {
				time.Sleep(time.Duration(int64(n) * int64(time.Second) / p.rate))
			}
			if _, werr := s.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	s.Close()
	c.Close()
}
