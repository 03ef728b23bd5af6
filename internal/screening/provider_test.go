package screening

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestHTTPProviderRetriesThenReads(t *testing.T) {
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
