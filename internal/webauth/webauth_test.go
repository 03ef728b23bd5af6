package webauth

import (
	"net/http/httptest"
	"testing"
)

func TestSameOrigin(t *testing.T) {
	s := &Sessions{PublicURL: "https://contest.example.com"}
	for _, tt := range []struct {
		origin, url string
		want        bool
	}{
		{"", "https://contest.example.com", true}, // curl, scripts
		{"https://contest.example.com", "https://contest.example.com", true},
		{"https://CONTEST.example.com", "https://contest.example.com", true},
		{"http://contest.example.com", "https://contest.example.com", false},
		{"https://evil.example", "https://contest.example.com", false},
		{"null", "https://contest.example.com", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", true}, // the page served from the address the request came to
		{"https://127.0.0.1:8080", "http://127.0.0.1:8080", false},
	} {
		r := httptest.NewRequest("POST", tt.url+"/api/x", nil)
		if tt.origin != "" {
			r.Header.Set("Origin", tt.origin)
		}
		if got := s.SameOrigin(r); got != tt.want {
			t.Errorf("Origin %q to %s: %v, want %v", tt.origin, tt.url, got, tt.want)
		}
	}
}
