package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/minio/minio-go/v7"
)

// Part is one uploaded part of a multipart upload.
type Part struct {
	Number int
	ETag   string
	Size   int64
}

// PendingUpload is an unfinished multipart upload.
type PendingUpload struct {
	Key, UploadID string
	Initiated     time.Time
}

// StartMultipart begins a multipart upload and returns its id.
func (s *Store) StartMultipart(ctx context.Context, bucket, key, contentType string) (string, error) {
	id, err := s.core().NewMultipartUpload(ctx, bucket, key, minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return "", fmt.Errorf("blob: start multipart %s: %w", key, err)
	}
	return id, nil
}

// Parts lists the parts that have arrived, as the storage sees them.
func (s *Store) Parts(ctx context.Context, bucket, key, uploadID string) ([]Part, error) {
	var out []Part
	marker := 0
	for {
		res, err := s.core().ListObjectParts(ctx, bucket, key, uploadID, marker, 1000)
		if err != nil {
			return nil, fmt.Errorf("blob: list parts %s: %w", key, translateUpload(err))
		}
		for _, p := range res.ObjectParts {
			out = append(out, Part{Number: p.PartNumber, ETag: p.ETag, Size: p.Size})
		}
		if !res.IsTruncated {
			return out, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// CompleteMultipart assembles the parts into the object.
func (s *Store) CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []Part) error {
	cp := make([]minio.CompletePart, 0, len(parts))
	for _, p := range parts {
		cp = append(cp, minio.CompletePart{PartNumber: p.Number, ETag: p.ETag})
	}
	if _, err := s.core().CompleteMultipartUpload(ctx, bucket, key, uploadID, cp, minio.PutObjectOptions{}); err != nil {
		return fmt.Errorf("blob: complete %s: %w", key, translateUpload(err))
	}
	return nil
}

// AbortMultipart discards an upload and its parts; an unknown upload is fine.
func (s *Store) AbortMultipart(ctx context.Context, bucket, key, uploadID string) error {
	err := s.core().AbortMultipartUpload(ctx, bucket, key, uploadID)
	if err != nil && minio.ToErrorResponse(err).Code != "NoSuchUpload" {
		return fmt.Errorf("blob: abort %s: %w", key, err)
	}
	return nil
}

// ListPending lists unfinished multipart uploads under prefix.
func (s *Store) ListPending(ctx context.Context, bucket, prefix string) ([]PendingUpload, error) {
	var out []PendingUpload
	for u := range s.c.ListIncompleteUploads(ctx, bucket, prefix, true) {
		if u.Err != nil {
			return nil, fmt.Errorf("blob: list uploads: %w", u.Err)
		}
		out = append(out, PendingUpload{Key: u.Key, UploadID: u.UploadID, Initiated: u.Initiated})
	}
	return out, nil
}

// Head returns up to n leading bytes of an object.
func (s *Store) Head(ctx context.Context, bucket, key string, n int64) ([]byte, error) {
	opts := minio.GetObjectOptions{}
	if err := opts.SetRange(0, n-1); err != nil {
		return nil, err
	}
	o, err := s.c.GetObject(ctx, bucket, key, opts)
	if err != nil {
		return nil, fmt.Errorf("blob: head %s: %w", key, err)
	}
	defer o.Close()
	b, err := io.ReadAll(io.LimitReader(o, n))
	if err != nil {
		return nil, fmt.Errorf("blob: head %s: %w", key, translate(err))
	}
	return b, nil
}

func (s *Store) core() *minio.Core { return &minio.Core{Client: s.c} }

// ErrNoSuchUpload means the multipart upload is gone (completed or aborted).
var ErrNoSuchUpload = errors.New("upload not found")

func translateUpload(err error) error {
	if minio.ToErrorResponse(err).Code == "NoSuchUpload" {
		return fmt.Errorf("%w: %v", ErrNoSuchUpload, err)
	}
	return err
}

// Presigner makes URLs a browser can use to upload parts directly. It signs
// for the public endpoint, which may differ from the one the server uses.
type Presigner struct{ c *minio.Client }

// NewPresigner returns a presigner. Region must be set so signing needs no
// network round trip.
func NewPresigner(o Options) (*Presigner, error) {
	s, err := New(o)
	if err != nil {
		return nil, err
	}
	return &Presigner{c: s.c}, nil
}

// PartURL returns a URL valid for ttl that uploads exactly part number of
// that upload: the upload id and part number are inside the signature, so
// the URL cannot be reused for another upload or part.
func (p *Presigner) PartURL(ctx context.Context, bucket, key, uploadID string, number int, ttl time.Duration) (string, error) {
	q := url.Values{"uploadId": {uploadID}, "partNumber": {strconv.Itoa(number)}}
	u, err := p.c.Presign(ctx, "PUT", bucket, key, ttl, q)
	if err != nil {
		return "", fmt.Errorf("blob: presign part: %w", err)
	}
	return u.String(), nil
}

// SignedGet returns a URL valid for ttl that downloads one object (for an
// outside service that must see a private file, such as a moderation
// provider looking at sampled pictures).
func (p *Presigner) SignedGet(ctx context.Context, bucket, key string, ttl time.Duration) (string, error) {
	u, err := p.c.PresignedGetObject(ctx, bucket, key, ttl, nil)
	if err != nil {
		return "", fmt.Errorf("blob: presign get: %w", err)
	}
	return u.String(), nil
}
