package blob

import (
	"context"
	"fmt"
	"mime"
	"net/url"
	"time"
)

// DownloadURL returns a URL valid for ttl that downloads one private object
// as an attachment named filename (a data export's link to an entrant's
// own original). The signature covers the key and the response headers.
func (p *Presigner) DownloadURL(ctx context.Context, bucket, key, filename string, ttl time.Duration) (string, error) {
	q := url.Values{}
	if filename != "" {
		q.Set("response-content-disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	}
	u, err := p.c.PresignedGetObject(ctx, bucket, key, ttl, q)
	if err != nil {
		return "", fmt.Errorf("blob: presign download: %w", err)
	}
	return u.String(), nil
}

// RemovePrefix deletes every object under prefix and returns how many it
// removed; an empty prefix is refused (it would empty the bucket).
func (s *Store) RemovePrefix(ctx context.Context, bucket, prefix string) (int, error) {
	if prefix == "" {
		return 0, fmt.Errorf("blob: refusing to remove a whole bucket")
	}
	keys, err := s.List(ctx, bucket, prefix)
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := s.Remove(ctx, bucket, k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}
