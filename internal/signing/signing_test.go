package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestSignVerify(t *testing.T) {
	s := New([]byte("0123456789abcdef0123456789abcdef"))
	tok := s.Sign("login", []byte(`{"email":"a@b.c"}`))
	got, err := s.Verify("login", tok)
	if err != nil || string(got) != `{"email":"a@b.c"}` {
		t.Fatalf("Verify = %q, %v", got, err)
	}
	other := New([]byte("another key, also thirty-two bytes"))
	for name, bad := range map[string]func() error{
		"other purpose": func() error { _, err := s.Verify("session", tok); return err },
		"other key":     func() error { _, err := other.Verify("login", tok); return err },
		"tampered":      func() error { _, err := s.Verify("login", "eyJlbWFpbCI6ImV2ZUBiLmMifQ"+tok[len(tok)-44:]); return err },
		"no dot":        func() error { _, err := s.Verify("login", "abc"); return err },
		"bad base64":    func() error { _, err := s.Verify("login", "!!.??"); return err },
	} {
		if err := bad(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	first, again := s.Hash("ip", "1.2.3.4"), s.Hash("ip", "1.2.3.4")
	if first == s.Hash("ip", "1.2.3.5") || first != again {
		t.Error("Hash is not a stable, distinguishing digest")
	}
}

func FuzzVerify(f *testing.F) {
	s := New([]byte("0123456789abcdef0123456789abcdef"))
	f.Add(s.Sign("p", []byte("x")))
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, tok string) {
		if p, err := s.Verify("p", tok); err == nil && s.Sign("p", p) != tok {
			// A token that verifies must be exactly what Sign makes.
			if _, err2 := s.Verify("p", s.Sign("p", p)); err2 != nil {
				t.Fatal("re-signed payload fails")
			}
		}
	})
}

// TestPooledMACsMatchAFreshHMAC: signatures made from the pool of keyed
// states, by many goroutines at once, are exactly a fresh HMAC's.
func TestPooledMACsMatchAFreshHMAC(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	s := New(key)
	fresh := func(purpose, v string) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(purpose + "\x00" + v))
		return hex.EncodeToString(m.Sum(nil)[:16])
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				v := fmt.Sprint(g, "-", i)
				if got, want := s.Hash("ip", v), fresh("ip", v); got != want {
					t.Errorf("Hash(%q) = %s, want %s", v, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if (Signer{key: key}).Hash("ip", "x") != fresh("ip", "x") {
		t.Error("a Signer without a pool signs differently")
	}
}
