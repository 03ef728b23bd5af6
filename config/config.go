// Package config reads Tryout's one typed configuration from environment
// variables, applies working local defaults, validates it across fields and
// masks secrets when it is logged.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Config is every setting Tryout reads. Field tags name the environment
// variable; defaults live in Vars.
type Config struct {
	HTTPAddr        string        // TRYOUT_HTTP_ADDR
	PublicURL       string        // TRYOUT_PUBLIC_URL
	DataDir         string        // TRYOUT_DATA_DIR
	SessionSecret   Secret        // TRYOUT_SESSION_SECRET
	LoginLinkTTL    time.Duration // TRYOUT_LOGIN_LINK_TTL
	SessionTTL      time.Duration // TRYOUT_SESSION_TTL
	ShutdownTimeout time.Duration // TRYOUT_SHUTDOWN_TIMEOUT
	LogLevel        slog.Level    // TRYOUT_LOG_LEVEL
	LogFormat       string        // TRYOUT_LOG_FORMAT
	// HTTP server limits (no fixed body timeouts: uploads extend theirs).
	HTTPReadHeaderTimeout time.Duration // TRYOUT_HTTP_READ_HEADER_TIMEOUT
	HTTPIdleTimeout       time.Duration // TRYOUT_HTTP_IDLE_TIMEOUT
	HTTPMaxHeaderBytes    int           // TRYOUT_HTTP_MAX_HEADER_BYTES
	// Request limits per fixed window (see Vars for the windows).
	LinkLimitPerEmail       int64         // TRYOUT_LOGIN_LINK_LIMIT_PER_EMAIL
	LinkLimitPerIP          int64         // TRYOUT_LOGIN_LINK_LIMIT_PER_IP
	StaffLoginLimitPerEmail int64         // TRYOUT_STAFF_LOGIN_LIMIT_PER_EMAIL
	StaffLoginLimitPerIP    int64         // TRYOUT_STAFF_LOGIN_LIMIT_PER_IP
	ReplyLimitPerHour       int64         // TRYOUT_REPLY_LIMIT_PER_HOUR
	ReportLimitPerIP        int64         // TRYOUT_REPORT_LIMIT_PER_IP
	ViewLimitPerIP          int64         // TRYOUT_VIEW_LIMIT_PER_IP
	UploadIdleTimeout       time.Duration // TRYOUT_UPLOAD_IDLE_TIMEOUT

	MongoURI      Secret // TRYOUT_MONGO_URI (empty: embedded FerretDB)
	MongoDatabase string // TRYOUT_MONGO_DATABASE

	RedisAddr     string // TRYOUT_REDIS_ADDR
	RedisPassword Secret // TRYOUT_REDIS_PASSWORD
	RedisDB       int    // TRYOUT_REDIS_DB

	S3Endpoint          string        // TRYOUT_S3_ENDPOINT
	S3PublicEndpoint    string        // TRYOUT_S3_PUBLIC_ENDPOINT
	S3PublicUseTLS      bool          // TRYOUT_S3_PUBLIC_USE_TLS
	UploadURLTTL        time.Duration // TRYOUT_UPLOAD_URL_TTL
	S3AccessKey         string        // TRYOUT_S3_ACCESS_KEY
	S3SecretKey         Secret        // TRYOUT_S3_SECRET_KEY
	S3UseTLS            bool          // TRYOUT_S3_USE_TLS
	S3Region            string        // TRYOUT_S3_REGION
	S3BucketOriginals   string        // TRYOUT_S3_BUCKET_ORIGINALS
	S3BucketRenditions  string        // TRYOUT_S3_BUCKET_RENDITIONS
	MaxUploadBytes      int64         // TRYOUT_MAX_UPLOAD_BYTES
	UploadPartSizeBytes int64         // TRYOUT_UPLOAD_PART_SIZE_BYTES
	UploadStreamThreads int           // TRYOUT_UPLOAD_STREAM_THREADS

	SMTPHost     string // TRYOUT_SMTP_HOST (empty: keep mail in the outbox)
	SMTPPort     int    // TRYOUT_SMTP_PORT
	SMTPTLS      string // TRYOUT_SMTP_TLS
	SMTPUsername string // TRYOUT_SMTP_USERNAME
	SMTPPassword Secret // TRYOUT_SMTP_PASSWORD
	MailFrom     string // TRYOUT_MAIL_FROM
	// MailPerCampaignPerMinute bounds one campaign's emails per minute.
	MailPerCampaignPerMinute int // TRYOUT_MAIL_PER_CAMPAIGN_PER_MINUTE
	// MailQuietFrom and MailQuietTo are UTC hours (0-23) in which vote
	// milestone emails wait; equal hours mean no quiet hours.
	MailQuietFrom, MailQuietTo int // TRYOUT_MAIL_QUIET_FROM, TRYOUT_MAIL_QUIET_TO

	ModerationURL     string        // TRYOUT_MODERATION_URL (empty: no external provider)
	ModerationTimeout time.Duration // TRYOUT_MODERATION_TIMEOUT
	// ModerationAllowPrivate lets the provider hook reach private and
	// loopback addresses (a provider inside the same network; tests).
	ModerationAllowPrivate bool // TRYOUT_MODERATION_ALLOW_PRIVATE
	// ModerationURLTTL is how long the signed picture URLs the provider
	// is shown keep working.
	ModerationURLTTL time.Duration // TRYOUT_MODERATION_URL_TTL

	ViewAfter      time.Duration // TRYOUT_VIEW_AFTER
	TrustedProxies []string      // TRYOUT_TRUSTED_PROXIES
	VoteLimitIP    int           // TRYOUT_VOTE_LIMIT_PER_IP
	VoteJournal    string        // TRYOUT_VOTE_JOURNAL
	VoteDrainLag   time.Duration // TRYOUT_VOTE_DRAIN_MAX_LAG
	// VoteCommitBatch and VoteDrainBatch cap the ballots one MongoDB insert
	// takes (group commit; journal drain).
	VoteCommitBatch int    // TRYOUT_VOTE_COMMIT_BATCH
	VoteDrainBatch  int    // TRYOUT_VOTE_DRAIN_BATCH
	VoteLimitNet    int    // TRYOUT_VOTE_LIMIT_PER_NETWORK
	VoteBurst       int    // TRYOUT_VOTE_CHALLENGE_PER_IP
	VoteCrowd       int    // TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP
	VotePoWBits     int    // TRYOUT_VOTE_CHALLENGE_BITS
	EmbedAncestors  string // TRYOUT_EMBED_ANCESTORS
	// Escalation and provisional (held) votes; see docs/VOTING.md.
	VotePoWMaxBits    int           // TRYOUT_VOTE_CHALLENGE_MAX_BITS
	VoteVoterCap      int           // TRYOUT_VOTE_VOTER_CAP_PER_IP
	VoteHoldWindow    time.Duration // TRYOUT_VOTE_HOLD_WINDOW
	VoteHoldNewIP     int           // TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_IP
	VoteHoldNewNet    int           // TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_NETWORK
	VoteHoldUnwatched int           // TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP
	VoteHoldStreak    int           // TRYOUT_VOTE_HOLD_REGULAR_STREAK
	// GalleryCheckInterval is how often serve checks that Redis still holds
	// the gallery read models (and rebuilds them from MongoDB if not).
	GalleryCheckInterval time.Duration // TRYOUT_GALLERY_CHECK_INTERVAL
	// WebhookAllowPrivate lets webhooks reach private, loopback and
	// link-local addresses (tests, a CRM on the same private network).
	WebhookAllowPrivate bool // TRYOUT_WEBHOOK_ALLOW_PRIVATE

	WorkerConcurrency int           // TRYOUT_WORKER_CONCURRENCY
	FFprobePath       string        // TRYOUT_FFPROBE_PATH
	FFmpegPath        string        // TRYOUT_FFMPEG_PATH
	FpcalcPath        string        // TRYOUT_FPCALC_PATH ("off" in the environment, "" here: no sound in the duplicate check)
	MediaTimeout      time.Duration // TRYOUT_MEDIA_TIMEOUT
	MediaMemoryBytes  int64         // TRYOUT_MEDIA_MEMORY_BYTES
	MediaMaxPixels    int64         // TRYOUT_MEDIA_MAX_PIXELS
	MediaTempDir      string        // TRYOUT_MEDIA_TEMP_DIR
	WorkerHealthAddr  string        // TRYOUT_WORKER_HEALTH_ADDR (empty: none)
	DiskMinFreeBytes  int64         // TRYOUT_DISK_MIN_FREE_BYTES

	// Data rights (docs/DATA-RIGHTS.md).
	CountryHeader         string        // TRYOUT_COUNTRY_HEADER (empty: none)
	DeletionLinkTTL       time.Duration // TRYOUT_DELETION_LINK_TTL
	ExportLinkTTL         time.Duration // TRYOUT_EXPORT_LINK_TTL
	RetainOriginalsDays   int           // TRYOUT_RETAIN_ORIGINALS_DAYS
	RetainUnpublishedDays int           // TRYOUT_RETAIN_UNPUBLISHED_DAYS
	RetainSignalsDays     int           // TRYOUT_RETAIN_SIGNALS_DAYS
}

// Secret is a string that never prints its value.
type Secret string

// String masks the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "****"
}

// LogValue masks the secret in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Reveal returns the secret's value; call it only where the value is used.
func (s Secret) Reveal() string { return string(s) }

// Load reads the configuration through getenv (os.Getenv in production) and
// validates it. Every problem is reported, not only the first.
func Load(getenv func(string) string) (Config, error) {
	var c Config
	var errs []error
	text := func(v Var) string {
		if s := strings.TrimSpace(getenv(v.Name)); s != "" {
			return s
		}
		return v.Default
	}
	byName := make(map[string]Var, len(Vars))
	for _, v := range Vars {
		byName[v.Name] = v
	}
	for _, v := range Vars {
		s, def := text(v), v.Default
		if s == "" && v.From != "" {
			s, def = text(byName[v.From]), byName[v.From].Default
		}
		v.set(&c, value{name: v.Name, text: s, def: def, errs: &errs})
	}
	if c.MediaTempDir == "" {
		c.MediaTempDir = strings.TrimRight(c.DataDir, "/") + "/tmp"
	}
	errs = append(errs, c.validate()...)
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return c, nil
}

// Embedded reports whether the database is the in-process FerretDB.
func (c Config) Embedded() bool { return c.MongoURI == "" }

// ErrSharedSecret says a process that shares a database with others has no
// TRYOUT_SESSION_SECRET of its own to share.
var ErrSharedSecret = errors.New("TRYOUT_SESSION_SECRET is not set: with a MongoDB server every serve and worker process must share one secret (a link a worker signs is checked by the API, and sessions must outlive a container); set the same value, at least 32 characters, on each")

// CheckShared is what serve and worker require beyond Load: on a shared
// database every process must be given the one session secret, since a
// generated one would differ per process.
func (c Config) CheckShared() error {
	if !c.Embedded() && c.SessionSecret == "" {
		return ErrSharedSecret
	}
	return nil
}

// LogValue lists the configuration with secrets masked, for the start-up log.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("http_addr", c.HTTPAddr),
		slog.String("public_url", c.PublicURL),
		slog.String("data_dir", c.DataDir),
		slog.Bool("embedded_mongo", c.Embedded()),
		slog.String("mongo_uri", maskURI(c.MongoURI)),
		slog.String("mongo_database", c.MongoDatabase),
		slog.Any("session_secret", c.SessionSecret),
		slog.String("smtp_host", c.SMTPHost),
		slog.Any("smtp_password", c.SMTPPassword),
		slog.String("redis_addr", c.RedisAddr),
		slog.Any("redis_password", c.RedisPassword),
		slog.Int("redis_db", c.RedisDB),
		slog.String("s3_endpoint", c.S3Endpoint),
		slog.String("s3_access_key", c.S3AccessKey),
		slog.Any("s3_secret_key", c.S3SecretKey),
		slog.String("s3_bucket_originals", c.S3BucketOriginals),
		slog.String("s3_bucket_renditions", c.S3BucketRenditions),
		slog.Int64("max_upload_bytes", c.MaxUploadBytes),
		slog.Int("worker_concurrency", c.WorkerConcurrency),
		slog.Duration("media_timeout", c.MediaTimeout),
	)
}

// maskURI keeps a MongoDB URI's host for the log and hides its credentials.
func maskURI(s Secret) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(string(s))
	if err != nil {
		return "****"
	}
	if u.User != nil {
		u.User = url.UserPassword("****", "****")
	}
	u.RawQuery = ""
	return u.String()
}
