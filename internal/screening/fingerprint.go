package screening

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/tryout/tryout/internal/media"
)

// Fingerprint is what the duplicate check keeps of a video: one
// descriptor per sampled picture, the sound's Chromaprint items, and the
// identities (the file's bytes; the decoded pictures and sound) that make
// an exact copy certain.
type Fingerprint struct {
	Rate      float64 // pictures a second
	Frames    []Frame
	Audio     []uint32
	AudioRate float64
	FileHash  string // SHA-256 of the uploaded bytes
	VideoHash string // hash of every decoded picture
	AudioHash string // hash of every decoded sound sample; "" without sound
}

// Views is how many centre crops each picture is described at (see
// media.CentreShares).
const Views = len(media.CentreShares)

// Frame describes one sampled picture at each centre crop, and whether
// its centre is flat (black, a plain colour: no evidence either way).
type Frame struct {
	Views [Views]View
	Flat  bool
}

// View describes one centre crop: its lowest spatial frequencies (a
// perceptual hash kept as numbers, not bits, so small changes stay small)
// and its brightness in 4x4 blocks.
type View struct {
	DCT    [dctCoefs]int8 // unit length, scaled to 127
	Blocks [16]int8       // zero mean, scaled
	// Mean and Spread are the crop's brightness and contrast (grey
	// levels): a re-encode keeps them, a paler or darker picture with the
	// same shapes does not.
	Mean, Spread uint8
}

const (
	dctSide  = 6
	dctCoefs = dctSide*dctSide - 1 // all but the average
)

// flatSpread is the standard deviation (grey levels) under which a
// picture's centre is too plain to say anything.
const flatSpread = 6

// NewFingerprint builds the descriptors from a decoded signal.
func NewFingerprint(s media.Signal, fileHash string) Fingerprint {
	fp := Fingerprint{Rate: s.Rate, Audio: s.Audio, AudioRate: s.AudioRate, FileHash: fileHash, VideoHash: s.VideoHash, AudioHash: s.AudioHash}
	for i := range s.Centres[0] {
		var f Frame
		for v := range Views {
			var mean, spread float64
			f.Views[v].Blocks, mean, spread = blocks(s.Centres[v][i])
			f.Views[v].DCT = lowFrequencies(s.Centres[v][i])
			f.Views[v].Mean, f.Views[v].Spread = uint8(min(255, math.Round(mean))), uint8(min(255, math.Round(spread)))
			if v == 0 {
				f.Flat = spread < flatSpread
			}
		}
		fp.Frames = append(fp.Frames, f)
	}
	return fp
}

// blocks averages a grey picture into 4x4 blocks, removes the mean and
// scales to int8; it also returns the picture's mean and pixel spread.
func blocks(px []byte) ([16]int8, float64, float64) {
	const side = media.CentreSide
	var sum [16]float64
	var total, sq float64
	cell := side / 4
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			v := float64(px[y*side+x])
			sum[(y/cell)*4+x/cell] += v
			total += v
			sq += v * v
		}
	}
	n := float64(side * side)
	mean := total / n
	spread := math.Sqrt(max(0, sq/n-mean*mean))
	var out [16]int8
	per := float64(cell * cell)
	for i, s := range sum {
		out[i] = int8(max(-127, min(127, (s/per-mean)/2)))
	}
	return out, mean, spread
}

// lowFrequencies is the DCT of the picture, its dctSide x dctSide lowest
// frequencies but the average, scaled to unit length.
func lowFrequencies(px []byte) [dctCoefs]int8 {
	const n = media.CentreSide
	var rows [n][dctSide]float64
	for y := 0; y < n; y++ {
		for u := 0; u < dctSide; u++ {
			var s float64
			for x := 0; x < n; x++ {
				s += float64(px[y*n+x]) * cosTable[u][x]
			}
			rows[y][u] = s
		}
	}
	var coef [dctCoefs]float64
	var norm float64
	for v := 0; v < dctSide; v++ {
		for u := 0; u < dctSide; u++ {
			if u == 0 && v == 0 {
				continue
			}
			var s float64
			for y := 0; y < n; y++ {
				s += rows[y][u] * cosTable[v][y]
			}
			coef[v*dctSide+u-1] = s
			norm += s * s
		}
	}
	var out [dctCoefs]int8
	if norm == 0 {
		return out
	}
	norm = math.Sqrt(norm)
	for i, c := range coef {
		out[i] = int8(math.Round(c / norm * 127))
	}
	return out
}

var cosTable = func() (t [dctSide][media.CentreSide]float64) {
	const n = media.CentreSide
	for u := 0; u < dctSide; u++ {
		for x := 0; x < n; x++ {
			t[u][x] = math.Cos(float64(2*x+1) * float64(u) * math.Pi / (2 * n))
		}
	}
	return t
}()

// cosine of two vectors, -1..1 (0 when one is all zeros).
func cosine(a, b []int8) float64 {
	var ab, aa, bb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		ab += x * y
		aa += x * x
		bb += y * y
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

// Encoding: a version byte, then the header and the frames in a fixed
// binary layout, so a campaign's fingerprints stay small in the database.
const (
	encVersion = 3
	frameBytes = Views*(dctCoefs+16+2) + 1
)

// ErrBadFingerprint means stored bytes are not a fingerprint of this version.
var ErrBadFingerprint = errors.New("screening: unreadable fingerprint")

// MarshalBinary encodes the fingerprint's frames and sound (the hashes are
// kept beside it, in their own fields).
func (f Fingerprint) MarshalBinary() []byte {
	b := make([]byte, 0, 13+len(f.Frames)*frameBytes+12+len(f.Audio)*4)
	b = append(b, encVersion)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f.Rate))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(f.Frames)))
	for _, fr := range f.Frames {
		for _, v := range fr.Views {
			for _, c := range v.DCT {
				b = append(b, byte(c))
			}
			for _, c := range v.Blocks {
				b = append(b, byte(c))
			}
			b = append(b, v.Mean, v.Spread)
		}
		flat := byte(0)
		if fr.Flat {
			flat = 1
		}
		b = append(b, flat)
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f.AudioRate))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(f.Audio)))
	for _, a := range f.Audio {
		b = binary.LittleEndian.AppendUint32(b, a)
	}
	return b
}

// UnmarshalFingerprint decodes MarshalBinary's bytes into f, whose hashes
// the caller has set from the fields stored beside them.
func UnmarshalFingerprint(b []byte, f Fingerprint) (Fingerprint, error) {
	if len(b) < 13 || b[0] != encVersion {
		return f, ErrBadFingerprint
	}
	f.Rate = math.Float64frombits(binary.LittleEndian.Uint64(b[1:]))
	n := int(binary.LittleEndian.Uint32(b[9:]))
	b = b[13:]
	if n < 0 || n > len(b)/frameBytes {
		return f, ErrBadFingerprint
	}
	f.Frames = make([]Frame, n)
	for i := range f.Frames {
		fr := &f.Frames[i]
		k := 0
		for v := range fr.Views {
			for j := range fr.Views[v].DCT {
				fr.Views[v].DCT[j] = int8(b[k])
				k++
			}
			for j := range fr.Views[v].Blocks {
				fr.Views[v].Blocks[j] = int8(b[k])
				k++
			}
			fr.Views[v].Mean, fr.Views[v].Spread = b[k], b[k+1]
			k += 2
		}
		fr.Flat = b[k] == 1
		b = b[frameBytes:]
	}
	if len(b) < 12 {
		return f, ErrBadFingerprint
	}
	f.AudioRate = math.Float64frombits(binary.LittleEndian.Uint64(b))
	m := int(binary.LittleEndian.Uint32(b[8:]))
	b = b[12:]
	if m < 0 || len(b)%4 != 0 || m != len(b)/4 {
		return f, ErrBadFingerprint
	}
	f.Audio = make([]uint32, 0, m)
	for i := 0; i < m; i++ {
		f.Audio = append(f.Audio, binary.LittleEndian.Uint32(b[i*4:]))
	}
	return f, nil
}

// HashFile is the SHA-256 of a file's bytes, in hex.
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("screening: hash: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("screening: hash: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
