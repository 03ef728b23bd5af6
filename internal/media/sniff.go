// Package media checks and inspects video files with hardened ffprobe and
// ffmpeg calls. Every call goes through one command builder so no call can
// skip the protections.
package media

import (
	"bytes"
	"encoding/binary"
)

// SniffLen is how many leading bytes Sniff needs.
const SniffLen = 64

// Container names returned by Sniff.
const (
	ContainerMP4      = "mp4"      // ISO BMFF: mp4, mov, m4v, 3gp
	ContainerMatroska = "matroska" // mkv, webm
	ContainerAVI      = "avi"
)

// Sniff reports the video container the first bytes belong to, or "" when
// they are not a video this product accepts. It runs before ffmpeg ever
// opens a file.
func Sniff(head []byte) string {
	switch {
	case isISOBMFF(head):
		return ContainerMP4
	case len(head) >= 4 && bytes.Equal(head[:4], []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return ContainerMatroska
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "AVI ":
		return ContainerAVI
	}
	return ""
}

// isISOBMFF looks for a leading ftyp box (or the older wide/mdat/moov
// layouts QuickTime writes) with a sane size.
func isISOBMFF(b []byte) bool {
	if len(b) < 12 {
		return false
	}
	size := binary.BigEndian.Uint32(b[:4])
	typ := string(b[4:8])
	switch typ {
	case "ftyp":
		return size >= 8 && size <= 4096
	case "moov", "mdat", "wide", "free", "skip":
		return size == 1 || size >= 8
	}
	return false
}

// ContentType is the MIME type stored with an original of the given container.
func ContentType(container string) string {
	switch container {
	case ContainerMP4:
		return "video/mp4"
	case ContainerMatroska:
		return "video/x-matroska"
	case ContainerAVI:
		return "video/x-msvideo"
	}
	return "application/octet-stream"
}
