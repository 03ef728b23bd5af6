package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// validate checks the values Load read, each alone and across fields.
func (c Config) validate() []error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		bad("TRYOUT_HTTP_ADDR", "want host:port, got %q", c.HTTPAddr)
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("TRYOUT_PUBLIC_URL", "want an absolute http(s) URL, got %q", c.PublicURL)
	}
	if c.DataDir == "" {
		bad("TRYOUT_DATA_DIR", "must not be empty")
	}
	if c.SessionSecret != "" && len(c.SessionSecret) < 32 {
		bad("TRYOUT_SESSION_SECRET", "must be at least 32 characters (got %d)", len(c.SessionSecret))
	}
	if c.LoginLinkTTL < time.Minute || c.LoginLinkTTL > 24*time.Hour {
		bad("TRYOUT_LOGIN_LINK_TTL", "want 1m..24h, got %s", c.LoginLinkTTL)
	}
	if c.SessionTTL < time.Hour {
		bad("TRYOUT_SESSION_TTL", "must be at least 1h")
	}
	if c.UploadURLTTL < time.Minute || c.UploadURLTTL > 7*24*time.Hour {
		bad("TRYOUT_UPLOAD_URL_TTL", "want 1m..168h (S3 presigned URLs last at most 7 days), got %s", c.UploadURLTTL)
	}
	if _, _, err := net.SplitHostPort(c.S3PublicEndpoint); err != nil {
		bad("TRYOUT_S3_PUBLIC_ENDPOINT", "want host:port without a scheme, got %q", c.S3PublicEndpoint)
	}
	switch c.SMTPTLS {
	case "starttls", "tls", "none":
	default:
		bad("TRYOUT_SMTP_TLS", "want starttls, tls or none, got %q", c.SMTPTLS)
	}
	if c.SMTPPort < 1 || c.SMTPPort > 65535 {
		bad("TRYOUT_SMTP_PORT", "want 1..65535, got %d", c.SMTPPort)
	}
	if a, err := mail.ParseAddress(c.MailFrom); err != nil || a.Address == "" {
		bad("TRYOUT_MAIL_FROM", "want an address such as \"Brand <no-reply@example.com>\", got %q", c.MailFrom)
	}
	if c.ShutdownTimeout <= 0 {
		bad("TRYOUT_SHUTDOWN_TIMEOUT", "must be positive")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("TRYOUT_LOG_FORMAT", "want text or json, got %q", c.LogFormat)
	}
	if c.MongoURI != "" && !strings.HasPrefix(string(c.MongoURI), "mongodb://") && !strings.HasPrefix(string(c.MongoURI), "mongodb+srv://") {
		bad("TRYOUT_MONGO_URI", "must start with mongodb:// or mongodb+srv://")
	}
	if c.MongoDatabase == "" || strings.ContainsAny(c.MongoDatabase, "/\\. \"$") {
		bad("TRYOUT_MONGO_DATABASE", "must be a plain database name, got %q", c.MongoDatabase)
	}
	if _, _, err := net.SplitHostPort(c.RedisAddr); err != nil {
		bad("TRYOUT_REDIS_ADDR", "want host:port, got %q", c.RedisAddr)
	}
	if c.RedisDB < 0 {
		bad("TRYOUT_REDIS_DB", "must not be negative, got %d", c.RedisDB)
	}
	if _, _, err := net.SplitHostPort(c.S3Endpoint); err != nil {
		bad("TRYOUT_S3_ENDPOINT", "want host:port without a scheme, got %q", c.S3Endpoint)
	}
	if c.S3AccessKey == "" || c.S3SecretKey == "" {
		bad("TRYOUT_S3_ACCESS_KEY", "access key and secret key are both required")
	}
	for name, b := range map[string]string{"TRYOUT_S3_BUCKET_ORIGINALS": c.S3BucketOriginals, "TRYOUT_S3_BUCKET_RENDITIONS": c.S3BucketRenditions} {
		if !validBucket(b) {
			bad(name, "%q is not a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)", b)
		}
	}
	if c.S3BucketOriginals == c.S3BucketRenditions {
		bad("TRYOUT_S3_BUCKET_RENDITIONS", "must differ from TRYOUT_S3_BUCKET_ORIGINALS: originals stay private")
	}
	if c.UploadPartSizeBytes < 5<<20 || c.UploadPartSizeBytes > 5<<30 {
		bad("TRYOUT_UPLOAD_PART_SIZE_BYTES", "S3 parts must be 5 MiB..5 GiB, got %d", c.UploadPartSizeBytes)
	}
	if c.UploadStreamThreads < 1 || c.UploadStreamThreads > 16 {
		bad("TRYOUT_UPLOAD_STREAM_THREADS", "want 1..16, got %d", c.UploadStreamThreads)
	}
	if c.MaxUploadBytes <= 0 {
		bad("TRYOUT_MAX_UPLOAD_BYTES", "must be positive")
	} else if c.MaxUploadBytes > c.UploadPartSizeBytes*10000 {
		bad("TRYOUT_MAX_UPLOAD_BYTES", "%d exceeds 10000 parts of TRYOUT_UPLOAD_PART_SIZE_BYTES (%d); raise the part size", c.MaxUploadBytes, c.UploadPartSizeBytes)
	}
	if c.ModerationURL != "" {
		if u, err := url.Parse(c.ModerationURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("TRYOUT_MODERATION_URL", "want an http(s) URL, got %q", c.ModerationURL)
		}
	}
	if c.ModerationTimeout < 100*time.Millisecond {
		bad("TRYOUT_MODERATION_TIMEOUT", "must be at least 100ms")
	}
	if c.ModerationURLTTL < time.Minute || c.ModerationURLTTL > 7*24*time.Hour {
		bad("TRYOUT_MODERATION_URL_TTL", "want 1m..168h (a signed URL lives at most 7 days), got %s", c.ModerationURLTTL)
	}
	if c.VotePoWBits < 1 || c.VotePoWBits > 28 {
		bad("TRYOUT_VOTE_CHALLENGE_BITS", "want 1..28, got %d", c.VotePoWBits)
	}
	if c.VoteBurst < 1 || c.VoteCrowd < 1 {
		bad("TRYOUT_VOTE_CHALLENGE_PER_IP", "the challenge thresholds must be at least 1")
	}
	if c.VoteJournal != "auto" && c.VoteJournal != "off" {
		bad("TRYOUT_VOTE_JOURNAL", "want auto or off, got %q", c.VoteJournal)
	}
	if c.VoteDrainLag < 0 || c.VoteDrainLag > time.Hour {
		bad("TRYOUT_VOTE_DRAIN_MAX_LAG", "want 0 to 1h, got %s", c.VoteDrainLag)
	}
	if c.VoteLimitIP < 1 || c.VoteLimitNet < 1 {
		bad("TRYOUT_VOTE_LIMIT_PER_IP", "the vote limits must be at least 1")
	}
	c.validateHolding(bad)
	if c.ViewAfter < 0 || c.ViewAfter > time.Hour {
		bad("TRYOUT_VIEW_AFTER", "want 0s..1h, got %s", c.ViewAfter)
	}
	if strings.ContainsAny(c.EmbedAncestors, ";,\r\n") || strings.TrimSpace(c.EmbedAncestors) == "" {
		bad("TRYOUT_EMBED_ANCESTORS", "want space-separated sources such as * or 'self' https://brand.example")
	}
	if c.GalleryCheckInterval < 100*time.Millisecond || c.GalleryCheckInterval > time.Hour {
		bad("TRYOUT_GALLERY_CHECK_INTERVAL", "want 100ms..1h, got %s", c.GalleryCheckInterval)
	}
	if c.MailPerCampaignPerMinute < 1 {
		bad("TRYOUT_MAIL_PER_CAMPAIGN_PER_MINUTE", "want at least 1, got %d", c.MailPerCampaignPerMinute)
	}
	if c.MailQuietFrom < 0 || c.MailQuietFrom > 23 || c.MailQuietTo < 0 || c.MailQuietTo > 23 {
		bad("TRYOUT_MAIL_QUIET_FROM", "want UTC hours 0-23, got %d to %d", c.MailQuietFrom, c.MailQuietTo)
	}
	if c.WorkerConcurrency < 1 || c.WorkerConcurrency > 64 {
		bad("TRYOUT_WORKER_CONCURRENCY", "want 1..64, got %d", c.WorkerConcurrency)
	}
	if c.MediaTimeout < time.Second {
		bad("TRYOUT_MEDIA_TIMEOUT", "must be at least 1s")
	}
	if c.MediaMemoryBytes < 256<<20 {
		bad("TRYOUT_MEDIA_MEMORY_BYTES", "must be at least 268435456 (256 MiB)")
	}
	if c.WorkerHealthAddr != "" {
		if _, _, err := net.SplitHostPort(c.WorkerHealthAddr); err != nil {
			bad("TRYOUT_WORKER_HEALTH_ADDR", "want host:port, got %q", c.WorkerHealthAddr)
		}
	}
	if c.DiskMinFreeBytes < 0 {
		bad("TRYOUT_DISK_MIN_FREE_BYTES", "must not be negative")
	}
	if c.MediaMaxPixels < 320*240 {
		bad("TRYOUT_MEDIA_MAX_PIXELS", "must be at least 76800 (320x240)")
	}
	errs = append(errs, c.validateTuning()...)
	return append(errs, c.validateRights()...)
}

// validateRights checks the data rights settings.
func (c Config) validateRights() []error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	if c.CountryHeader != "" && strings.ContainsAny(c.CountryHeader, " :\r\n\t") {
		bad("TRYOUT_COUNTRY_HEADER", "want a header name such as CF-IPCountry, got %q", c.CountryHeader)
	}
	if c.CountryHeader != "" && len(c.TrustedProxies) == 0 {
		bad("TRYOUT_COUNTRY_HEADER", "is only believed from TRYOUT_TRUSTED_PROXIES; set those too")
	}
	if c.DeletionLinkTTL < 10*time.Minute || c.DeletionLinkTTL > 7*24*time.Hour {
		bad("TRYOUT_DELETION_LINK_TTL", "want 10m..168h, got %s", c.DeletionLinkTTL)
	}
	if c.ExportLinkTTL < time.Minute || c.ExportLinkTTL > 7*24*time.Hour {
		bad("TRYOUT_EXPORT_LINK_TTL", "want 1m..168h (S3 presigned URLs last at most 7 days), got %s", c.ExportLinkTTL)
	}
	for name, v := range map[string]int{"TRYOUT_RETAIN_ORIGINALS_DAYS": c.RetainOriginalsDays,
		"TRYOUT_RETAIN_UNPUBLISHED_DAYS": c.RetainUnpublishedDays, "TRYOUT_RETAIN_SIGNALS_DAYS": c.RetainSignalsDays} {
		if v < 1 || v > 3650 {
			bad(name, "want 1..3650 days, got %d", v)
		}
	}
	return errs
}

func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for _, r := range b {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return b[0] != '-' && b[0] != '.'
}

// validateHolding checks the escalation and hold settings.
func (c *Config) validateHolding(bad func(key, format string, args ...any)) {
	if c.VotePoWMaxBits < c.VotePoWBits || c.VotePoWMaxBits > 28 {
		bad("TRYOUT_VOTE_CHALLENGE_MAX_BITS", "want TRYOUT_VOTE_CHALLENGE_BITS (%d) to 28, got %d", c.VotePoWBits, c.VotePoWMaxBits)
	}
	if c.VoteHoldWindow < time.Minute || c.VoteHoldWindow > 24*time.Hour {
		bad("TRYOUT_VOTE_HOLD_WINDOW", "want 1m to 24h, got %s", c.VoteHoldWindow)
	}
	for _, v := range []struct {
		key string
		n   int
	}{{"TRYOUT_VOTE_VOTER_CAP_PER_IP", c.VoteVoterCap}, {"TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_IP", c.VoteHoldNewIP},
		{"TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_NETWORK", c.VoteHoldNewNet}, {"TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP", c.VoteHoldUnwatched},
		{"TRYOUT_VOTE_HOLD_REGULAR_STREAK", c.VoteHoldStreak}} {
		if v.n < 0 {
			bad(v.key, "want 0 (off) or more, got %d", v.n)
		}
	}
}

// validateTuning checks the server limits, request limits and batch sizes.
func (c Config) validateTuning() []error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	if c.HTTPReadHeaderTimeout < time.Second || c.HTTPReadHeaderTimeout > 5*time.Minute {
		bad("TRYOUT_HTTP_READ_HEADER_TIMEOUT", "want 1s..5m, got %s", c.HTTPReadHeaderTimeout)
	}
	if c.HTTPIdleTimeout < time.Second || c.HTTPIdleTimeout > time.Hour {
		bad("TRYOUT_HTTP_IDLE_TIMEOUT", "want 1s..1h, got %s", c.HTTPIdleTimeout)
	}
	if c.HTTPMaxHeaderBytes < 4<<10 || c.HTTPMaxHeaderBytes > 1<<20 {
		bad("TRYOUT_HTTP_MAX_HEADER_BYTES", "want 4096..1048576, got %d", c.HTTPMaxHeaderBytes)
	}
	for _, l := range []struct {
		name string
		n    int64
	}{{"TRYOUT_LOGIN_LINK_LIMIT_PER_EMAIL", c.LinkLimitPerEmail}, {"TRYOUT_LOGIN_LINK_LIMIT_PER_IP", c.LinkLimitPerIP},
		{"TRYOUT_STAFF_LOGIN_LIMIT_PER_EMAIL", c.StaffLoginLimitPerEmail}, {"TRYOUT_STAFF_LOGIN_LIMIT_PER_IP", c.StaffLoginLimitPerIP},
		{"TRYOUT_REPLY_LIMIT_PER_HOUR", c.ReplyLimitPerHour}, {"TRYOUT_REPORT_LIMIT_PER_IP", c.ReportLimitPerIP},
		{"TRYOUT_VIEW_LIMIT_PER_IP", c.ViewLimitPerIP}} {
		if l.n < 1 || l.n > 1000000 {
			bad(l.name, "want 1..1000000, got %d", l.n)
		}
	}
	if c.UploadIdleTimeout < 5*time.Second || c.UploadIdleTimeout > time.Hour {
		bad("TRYOUT_UPLOAD_IDLE_TIMEOUT", "want 5s..1h, got %s", c.UploadIdleTimeout)
	}
	if c.VoteCommitBatch < 1 || c.VoteCommitBatch > 10000 {
		bad("TRYOUT_VOTE_COMMIT_BATCH", "want 1..10000, got %d", c.VoteCommitBatch)
	}
	if c.VoteDrainBatch < 1 || c.VoteDrainBatch > 10000 {
		bad("TRYOUT_VOTE_DRAIN_BATCH", "want 1..10000, got %d", c.VoteDrainBatch)
	}
	return errs
}
