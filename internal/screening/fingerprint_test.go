package screening

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/tryout/tryout/internal/media"
)

// A fingerprint survives the database: every byte layout round-trips, and
// damaged or older bytes are refused, not misread.
func TestFingerprintEncoding(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var s media.Signal
	s.Rate, s.AudioRate, s.VideoHash, s.AudioHash = 4, media.ChromaprintRate, "murmur3=aa", "murmur3=bb"
	for range 9 {
		for v := range s.Centres {
			px := make([]byte, media.CentreSide*media.CentreSide)
			for i := range px {
				px[i] = byte(rng.IntN(256))
			}
			s.Centres[v] = append(s.Centres[v], px)
		}
		s.Audio = append(s.Audio, rng.Uint32())
	}
	s.Centres[0][3] = make([]byte, media.CentreSide*media.CentreSide) // a black picture
	fp := NewFingerprint(s, "sha")
	if !fp.Frames[3].Flat || fp.Frames[2].Flat {
		t.Errorf("flat pictures: %v %v", fp.Frames[3].Flat, fp.Frames[2].Flat)
	}
	b := fp.MarshalBinary()
	got, err := UnmarshalFingerprint(b, Fingerprint{FileHash: "sha", VideoHash: "murmur3=aa", AudioHash: "murmur3=bb"})
	if err != nil || !reflect.DeepEqual(got, fp) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, got.Frames[0], fp.Frames[0])
	}
	for _, bad := range [][]byte{nil, b[:20], b[:len(b)-2], append([]byte{1}, b[1:]...)} {
		if _, err := UnmarshalFingerprint(bad, Fingerprint{}); !errors.Is(err, ErrBadFingerprint) {
			t.Errorf("%d damaged bytes: %v", len(bad), err)
		}
	}
	if m := Compare(fp, got); m.Identical != "file" {
		t.Errorf("the same file: %+v", m)
	}
	got.FileHash = "another file"
	if m := Compare(fp, got); m.Identical != "decoded" {
		t.Errorf("the same decoded pictures and sound: %+v", m)
	}
	got.AudioHash, got.Audio = "murmur3=cc", append([]uint32(nil), got.Audio...)
	for i := range got.Audio {
		got.Audio[i] = ^got.Audio[i]
	}
	if m := Compare(fp, got); m.Identical != "" {
		t.Errorf("the same pictures with other sound is no exact copy: %+v", m)
	}
}
