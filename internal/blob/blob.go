// Package blob wraps the few object-storage operations Tryout uses over
// minio-go, so the rest of the code sees a small, testable surface.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// ErrNotFound means the object does not exist.
var ErrNotFound = errors.New("object not found")

// Options configures the client.
type Options struct {
	Endpoint, AccessKey, SecretKey, Region string
	UseTLS                                 bool
	// PartSize is the multipart part size for streams of unknown length;
	// each streamed upload buffers PartSize * StreamThreads bytes.
	PartSize      uint64
	StreamThreads uint
}

// Store talks to one S3-compatible endpoint.
type Store struct {
	c *minio.Client
	// fast is the same endpoint with few retries, for requests a person is
	// waiting on (a streamed upload): a failing storage is reported within
	// seconds instead of after minutes of backoff.
	fast *minio.Client
	opts Options
}

// New returns a Store; it does not contact the server.
func New(o Options) (*Store, error) {
	c, err := minio.New(o.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure: o.UseTLS,
		Region: o.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	fast, err := minio.New(o.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure:     o.UseTLS,
		Region:     o.Region,
		MaxRetries: 2,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if o.PartSize == 0 {
		o.PartSize = 16 << 20
	}
	if o.StreamThreads == 0 {
		o.StreamThreads = 2
	}
	return &Store{c: c, fast: fast, opts: o}, nil
}

// EnsureBucket creates the bucket if it does not exist. New buckets are
// private: no policy is attached.
func (s *Store) EnsureBucket(ctx context.Context, bucket string) error {
	ok, err := s.c.BucketExists(ctx, bucket)
	if err != nil {
		return fmt.Errorf("blob: bucket %s: %w", bucket, err)
	}
	if ok {
		return nil
	}
	if err := s.c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: s.opts.Region}); err != nil {
		if r := minio.ToErrorResponse(err); r.Code == "BucketAlreadyOwnedByYou" {
			return nil
		}
		return fmt.Errorf("blob: make bucket %s: %w", bucket, err)
	}
	return nil
}

// Ping checks that the server answers and the bucket exists.
func (s *Store) Ping(ctx context.Context, bucket string) error {
	ok, err := s.c.BucketExists(ctx, bucket)
	if err != nil {
		return fmt.Errorf("blob: ping: %w", err)
	}
	if !ok {
		return fmt.Errorf("blob: bucket %s missing (run tryout migrate)", bucket)
	}
	return nil
}

// Put stores r under key. size may be -1 for a stream of unknown length;
// then the body is sent in parts with bounded memory, and a failed upload is
// aborted so no parts are left behind.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, contentType string) (int64, error) {
	opts := minio.PutObjectOptions{ContentType: contentType, PartSize: s.opts.PartSize}
	if size < 0 {
		// Streams are the upload hot path: skip hashing every byte with
		// SHA-256 for the request signature (UNSIGNED-PAYLOAD); each part
		// still carries a CRC32C checksum that storage verifies.
		opts.DisableContentSha256 = true
	}
	if size < 0 && s.opts.StreamThreads > 1 {
		opts.ConcurrentStreamParts = true
		opts.NumThreads = s.opts.StreamThreads
	}
	info, err := s.c.PutObject(ctx, bucket, key, r, size, opts)
	if err != nil {
		return 0, fmt.Errorf("blob: put %s/%s: %w", bucket, key, err)
	}
	return info.Size, nil
}

// Download copies an object to a local file.
func (s *Store) Download(ctx context.Context, bucket, key, path string) error {
	if err := s.c.FGetObject(ctx, bucket, key, path, minio.GetObjectOptions{}); err != nil {
		return fmt.Errorf("blob: download %s/%s: %w", bucket, key, translate(err))
	}
	return nil
}

// Stat returns an object's size.
func (s *Store) Stat(ctx context.Context, bucket, key string) (int64, error) {
	info, err := s.c.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return 0, fmt.Errorf("blob: stat %s/%s: %w", bucket, key, translate(err))
	}
	return info.Size, nil
}

// Remove deletes an object; a missing object is not an error.
func (s *Store) Remove(ctx context.Context, bucket, key string) error {
	if err := s.c.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("blob: remove %s/%s: %w", bucket, key, err)
	}
	return nil
}

// List returns the keys under prefix (tests and cleanup jobs use it).
func (s *Store) List(ctx context.Context, bucket, prefix string) ([]string, error) {
	var keys []string
	for o := range s.c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, fmt.Errorf("blob: list %s: %w", bucket, o.Err)
		}
		keys = append(keys, o.Key)
	}
	return keys, nil
}

// PendingUploads counts unfinished multipart uploads under prefix.
func (s *Store) PendingUploads(ctx context.Context, bucket, prefix string) (int, error) {
	n := 0
	for u := range s.c.ListIncompleteUploads(ctx, bucket, prefix, true) {
		if u.Err != nil {
			return 0, fmt.Errorf("blob: list uploads %s: %w", bucket, u.Err)
		}
		n++
	}
	return n, nil
}

// RemoveBucket empties and deletes a bucket (test cleanup).
func (s *Store) RemoveBucket(ctx context.Context, bucket string) error {
	keys, err := s.List(ctx, bucket, "")
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.Remove(ctx, bucket, k); err != nil {
			return err
		}
	}
	for u := range s.c.ListIncompleteUploads(ctx, bucket, "", true) {
		if u.Err == nil {
			_ = s.c.RemoveIncompleteUpload(ctx, bucket, u.Key)
		}
	}
	if err := s.c.RemoveBucket(ctx, bucket); err != nil {
		return fmt.Errorf("blob: remove bucket %s: %w", bucket, err)
	}
	return nil
}

func translate(err error) error {
	if r := minio.ToErrorResponse(err); r.Code == "NoSuchKey" {
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	return err
}

// PutFile uploads a local file with its content type and cache policy.
func (s *Store) PutFile(ctx context.Context, bucket, key, path, contentType, cacheControl string) error {
	_, err := s.c.FPutObject(ctx, bucket, key, path, minio.PutObjectOptions{ContentType: contentType, CacheControl: cacheControl})
	if err != nil {
		return fmt.Errorf("blob: put file %s: %w", key, err)
	}
	return nil
}

// Get reads a small object whole (at most max bytes).
func (s *Store) Get(ctx context.Context, bucket, key string, max int64) ([]byte, error) {
	o, err := s.c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", key, translate(err))
	}
	defer o.Close()
	b, err := io.ReadAll(io.LimitReader(o, max))
	if err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", key, translate(err))
	}
	return b, nil
}

// Object is an open object: it reads, seeks (for range requests) and
// closes, and says what it is.
type Object struct {
	io.ReadSeekCloser
	Size         int64
	ContentType  string
	CacheControl string
	ETag         string
	Modified     time.Time
}

// Open opens an object for streaming to a client.
func (s *Store) Open(ctx context.Context, bucket, key string) (*Object, error) {
	o, err := s.c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", key, translate(err))
	}
	info, err := o.Stat()
	if err != nil {
		o.Close()
		return nil, fmt.Errorf("blob: open %s: %w", key, translate(err))
	}
	return &Object{ReadSeekCloser: o, Size: info.Size, ContentType: info.ContentType,
		CacheControl: info.Metadata.Get("Cache-Control"), ETag: info.ETag, Modified: info.LastModified}, nil
}
