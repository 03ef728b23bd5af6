package blob

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/tryout/tryout/internal/faults"
)

// ErrRead marks a PutStream failure that came from reading the stream (the
// client went away, or the reader refused more), not from storage.
var ErrRead = errors.New("blob: reading the stream failed")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// PutStream stores a stream of unknown length under key as a multipart
// upload: parts of PartSize, up to StreamThreads in flight, so memory is
// bounded by their product. It stops reading the stream as soon as storage
// fails (at most the part being read is still taken) and aborts the
// upload, leaving no parts behind. Storage failures are marked
// faults.ErrUnavailable; reading failures wrap ErrRead and the reader's
// error.
func (s *Store) PutStream(ctx context.Context, bucket, key string, r io.Reader, contentType string) (int64, error) {
	core := minio.Core{Client: s.fast}
	id, err := core.NewMultipartUpload(ctx, bucket, key, minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return 0, fmt.Errorf("blob: stream %s: %w", key, faults.Mark(storageErr(err)))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		parts []minio.CompletePart
		size  int64
	)
	free := make(chan []byte, s.opts.StreamThreads)
	for range s.opts.StreamThreads {
		free <- make([]byte, s.opts.PartSize)
	}
	for n := 1; ; n++ {
		var buf []byte
		select {
		case buf = <-free:
		case <-ctx.Done():
		}
		if buf == nil {
			break
		}
		k, last, rerr := fill(r, buf)
		if rerr != nil {
			cancel(fmt.Errorf("%w: %w", ErrRead, rerr))
			break
		}
		if k == 0 && n > 1 {
			break // the stream ended on a part boundary
		}
		size += int64(k)
		wg.Add(1)
		go func(n int, part []byte) {
			defer wg.Done()
			defer func() { free <- buf }()
			sum := crc32.Checksum(part, castagnoli)
			hdr := http.Header{"X-Amz-Checksum-Crc32c": {base64.StdEncoding.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})}}
			p, err := core.PutObjectPart(ctx, bucket, key, id, n, &sliceReader{b: part}, int64(len(part)),
				minio.PutObjectPartOptions{DisableContentSha256: true, CustomHeader: hdr})
			if err != nil {
				cancel(faults.Mark(storageErr(err)))
				return
			}
			mu.Lock()
			parts = append(parts, minio.CompletePart{PartNumber: n, ETag: p.ETag, ChecksumCRC32C: p.ChecksumCRC32C})
			mu.Unlock()
		}(n, buf[:k])
		if last {
			break
		}
	}
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil {
		// Abort on a context of its own: the caller's may be what ended.
		actx, acancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		_ = core.AbortMultipartUpload(actx, bucket, key, id)
		acancel()
		return 0, fmt.Errorf("blob: stream %s: %w", key, cause)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].PartNumber < parts[j].PartNumber })
	if _, err := core.CompleteMultipartUpload(ctx, bucket, key, id, parts, minio.PutObjectOptions{ContentType: contentType}); err != nil {
		_ = core.AbortMultipartUpload(context.WithoutCancel(ctx), bucket, key, id)
		return 0, fmt.Errorf("blob: stream %s: complete: %w", key, faults.Mark(storageErr(err)))
	}
	return size, nil
}

// fill reads into buf until it is full or the stream ends (last true).
func fill(r io.Reader, buf []byte) (n int, last bool, err error) {
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if errors.Is(err, io.EOF) {
			return n, true, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, false, nil
}

// storageErr marks storage's own server errors (5xx, slow down) as
// unavailable too; network failures are recognised by faults.
func storageErr(err error) error {
	if r := minio.ToErrorResponse(err); r.StatusCode >= 500 || r.Code == "SlowDown" || r.Code == "XMinioServerNotInitialized" {
		return fmt.Errorf("%w: %w", faults.ErrUnavailable, err)
	}
	return err
}

// sliceReader reads a byte slice and can be rewound, so the storage client
// can retry a part.
type sliceReader struct {
	b   []byte
	off int
}

func (s *sliceReader) Read(p []byte) (int, error) {
	if s.off >= len(s.b) {
		return 0, io.EOF
	}
	n := copy(p, s.b[s.off:])
	s.off += n
	return n, nil
}

func (s *sliceReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		s.off = int(offset)
	case io.SeekCurrent:
		s.off += int(offset)
	case io.SeekEnd:
		s.off = len(s.b) + int(offset)
	}
	return int64(s.off), nil
}
