package screening

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"
)

func TestHTTPProviderRetriesThenReads(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in Input
		_ = json.NewDecoder(r.Body).Decode(&in)
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway) // a passing fault
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"findings": []map[string]any{{"kind": "nudity", "detail": "score for " + in.EntryID, "value": 0.93}}})
	}))
	defer srv.Close()
	p := &HTTP{URL: srv.URL, Client: srv.Client(), Timeout: 2 * time.Second, Attempts: 3, Backoff: time.Millisecond}
	got, err := p.Screen(context.Background(), Input{EntryID: "en_1"})
	if err != nil || len(got) != 1 || got[0].Kind != External || got[0].Value != 0.93 || got[0].Detail != "nudity: score for en_1" {
		t.Fatalf("Screen = %+v, %v", got, err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2 (one retry)", calls.Load())
	}
}

func TestHTTPProviderGivesUp(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	p := &HTTP{URL: slow.URL, Client: slow.Client(), Timeout: 50 * time.Millisecond, Attempts: 3, Backoff: time.Millisecond}
	if _, err := p.Screen(context.Background(), Input{}); err == nil {
		t.Fatal("a provider that never answers in time reported success")
	}
	if calls.Load() != 3 {
		t.Errorf("%d attempts, want 3", calls.Load())
	}
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	defer bad.Close()
	calls.Store(0)
	p = &HTTP{URL: bad.URL, Client: bad.Client(), Timeout: time.Second, Attempts: 3, Backoff: time.Millisecond}
	if _, err := p.Screen(context.Background(), Input{}); err == nil {
		t.Error("401 reported as success")
	}
}

// The provider hook never reaches a private or loopback address unless
// configured to (tests and a provider inside the same network do).
func TestHTTPProviderRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = w.Write([]byte(`{"findings":[{"kind":"violence","detail":"a fight","value":0.8,"at_seconds":4.5}]}`))
	}))
	defer srv.Close()
	p := NewHTTP(srv.URL, time.Second, false)
	p.Backoff = time.Millisecond
	if _, err := p.Screen(context.Background(), Input{}); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("loopback provider without permission: %v, want ErrPrivateAddress", err)
	}
	if calls.Load() != 0 {
		t.Errorf("the refused provider was called %d times", calls.Load())
	}
	p = NewHTTP(srv.URL, time.Second, true)
	got, err := p.Screen(context.Background(), Input{})
	if err != nil || len(got) != 1 || got[0].Start != 4.5 || got[0].Detail != "violence: a fight" {
		t.Errorf("allowed provider: %+v, %v", got, err)
	}
	for addr, want := range map[string]bool{"127.0.0.1": true, "10.1.2.3": true, "192.168.0.9": true, "172.16.5.5": true, "169.254.169.254": true,
		"::1": true, "fc00::1": true, "fe80::1": true, "100.64.1.1": true, "0.0.0.0": true, "::ffff:127.0.0.1": true,
		"93.184.216.34": false, "2606:4700::1111": false, "8.8.8.8": false} {
		if got := internal(netip.MustParseAddr(addr)); got != want {
			t.Errorf("internal(%s) = %v, want %v", addr, got, want)
		}
	}
}
