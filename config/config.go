// Package config reads Tryout's one typed configuration from environment
// variables, applies working local defaults, validates it across fields and
// masks secrets when it is logged.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is every setting Tryout reads. Field tags name the environment
// variable; defaults live in Defaults.
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
	VoteLimitNet   int           // TRYOUT_VOTE_LIMIT_PER_NETWORK
	VoteBurst      int           // TRYOUT_VOTE_CHALLENGE_PER_IP
	VoteCrowd      int           // TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP
	VotePoWBits    int           // TRYOUT_VOTE_CHALLENGE_BITS
	EmbedAncestors string        // TRYOUT_EMBED_ANCESTORS
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

// Var documents one environment variable: its name, default and meaning.
type Var struct {
	Name, Default, Help string
}

// Vars lists every variable Tryout reads, in README order.
var Vars = []Var{
	{"TRYOUT_HTTP_ADDR", "127.0.0.1:8080", "address the HTTP server listens on"},
	{"TRYOUT_PUBLIC_URL", "http://127.0.0.1:8080", "base URL used in links and emails"},
	{"TRYOUT_DATA_DIR", "./.data", "local state: embedded database files and media temp files"},
	{"TRYOUT_SESSION_SECRET", "(generated into DATA_DIR/session.key)", "key for signed sign-in links and session cookies, at least 32 characters; set the same value on every server"},
	{"TRYOUT_LOGIN_LINK_TTL", "15m", "how long an emailed sign-in link works"},
	{"TRYOUT_SESSION_TTL", "720h", "how long an entrant stays signed in"},
	{"TRYOUT_SHUTDOWN_TIMEOUT", "20s", "how long each shutdown step may take"},
	{"TRYOUT_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"TRYOUT_LOG_FORMAT", "text", "text or json"},
	{"TRYOUT_MONGO_URI", "(empty: embedded FerretDB)", "MongoDB URI; empty runs FerretDB in-process on SQLite files under DATA_DIR/ferretdb (dev, migrate and admin only)"},
	{"TRYOUT_MONGO_DATABASE", "tryout", "database name"},
	{"TRYOUT_REDIS_ADDR", "127.0.0.1:6379", "Redis host:port (queues, rate limits, counters)"},
	{"TRYOUT_REDIS_PASSWORD", "", "Redis password"},
	{"TRYOUT_REDIS_DB", "0", "Redis database number"},
	{"TRYOUT_S3_ENDPOINT", "127.0.0.1:9000", "S3-compatible endpoint host:port"},
	{"TRYOUT_S3_PUBLIC_ENDPOINT", "(TRYOUT_S3_ENDPOINT)", "storage host:port browsers use for presigned upload URLs"},
	{"TRYOUT_S3_PUBLIC_USE_TLS", "(TRYOUT_S3_USE_TLS)", "browsers reach storage over HTTPS"},
	{"TRYOUT_UPLOAD_URL_TTL", "1h", "how long a presigned part-upload URL works (the browser asks for fresh ones on resume)"},
	{"TRYOUT_S3_ACCESS_KEY", "minioadmin", "S3 access key"},
	{"TRYOUT_S3_SECRET_KEY", "minioadmin", "S3 secret key"},
	{"TRYOUT_S3_USE_TLS", "false", "use HTTPS to reach S3"},
	{"TRYOUT_S3_REGION", "us-east-1", "S3 region"},
	{"TRYOUT_S3_BUCKET_ORIGINALS", "tryout-originals", "private bucket for uploaded originals"},
	{"TRYOUT_S3_BUCKET_RENDITIONS", "tryout-renditions", "bucket for renditions and posters"},
	{"TRYOUT_MAX_UPLOAD_BYTES", "4294967296", "hard cap on one upload in bytes, above any campaign's limit"},
	{"TRYOUT_UPLOAD_PART_SIZE_BYTES", "8388608", "S3 multipart part size for streamed uploads"},
	{"TRYOUT_UPLOAD_STREAM_THREADS", "4", "parts of one streamed upload sent to storage at once; memory per upload is this times the part size"},
	{"TRYOUT_SMTP_HOST", "(empty: keep mail in the outbox)", "SMTP server; without it every message is kept in the staff outbox (/admin/outbox)"},
	{"TRYOUT_SMTP_PORT", "587", "SMTP port"},
	{"TRYOUT_SMTP_TLS", "starttls", "starttls, tls (implicit) or none"},
	{"TRYOUT_SMTP_USERNAME", "", "SMTP user (PLAIN auth when set)"},
	{"TRYOUT_SMTP_PASSWORD", "", "SMTP password"},
	{"TRYOUT_MAIL_FROM", "Tryout <no-reply@localhost>", "From address of every email"},
	{"TRYOUT_MAIL_PER_CAMPAIGN_PER_MINUTE", "600", "most emails one campaign sends per minute; the rest wait in the queue (sign-in links are never held)"},
	{"TRYOUT_MAIL_QUIET_FROM", "22", "UTC hour when quiet hours start: vote milestone emails wait until they end"},
	{"TRYOUT_MAIL_QUIET_TO", "7", "UTC hour when quiet hours end (equal to the start: no quiet hours)"},
	{"TRYOUT_MODERATION_URL", "(empty: none)", "external moderation service: Tryout POSTs each entry's text and signed URLs of its poster and sampled pictures as JSON and reads back findings (docs/SCREENING.md)"},
	{"TRYOUT_MODERATION_TIMEOUT", "10s", "time limit for one call to the moderation service (three attempts)"},
	{"TRYOUT_MODERATION_ALLOW_PRIVATE", "false", "let the moderation service be on a private or loopback address (refused by default)"},
	{"TRYOUT_MODERATION_URL_TTL", "30m", "how long the signed picture URLs shown to the moderation service work"},
	{"TRYOUT_TRUSTED_PROXIES", "(empty: none)", "comma-separated proxy addresses or CIDRs whose X-Forwarded-For is believed; with none, the client address is the connection's (rate limits cannot be dodged with a forged header)"},
	{"TRYOUT_VOTE_JOURNAL", "auto", "auto: votes are journaled in Redis and drained to MongoDB when Redis fsyncs every write (appendonly yes, appendfsync always), else written to MongoDB by group commit; off: always group commit"},
	{"TRYOUT_VOTE_DRAIN_MAX_LAG", "60s", "with the journal: while votes pour in, ballots wait in Redis (durable) up to this long before they are moved to MongoDB, so voting keeps the processor; they move at once when voting pauses; 0: always at once"},
	{"TRYOUT_VOTE_LIMIT_PER_IP", "120", "votes accepted from one client address per 10 minutes (then 429 too_many_votes)"},
	{"TRYOUT_VOTE_LIMIT_PER_NETWORK", "600", "votes accepted from one /24 (IPv6 /64) network per 10 minutes"},
	{"TRYOUT_VOTE_CHALLENGE_PER_IP", "10", "votes per minute from one client address before further votes must solve a proof-of-work challenge"},
	{"TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP", "6", "new voters in the hold window on one client address before further votes must solve a challenge"},
	{"TRYOUT_VOTE_CHALLENGE_BITS", "16", "proof-of-work difficulty in leading zero bits (16: about a second in a phone's browser)"},
	{"TRYOUT_VOTE_CHALLENGE_MAX_BITS", "22", "escalation: a challenge asks one more bit for every two voters an address has shown in the hold window beyond the first two, up to this many"},
	{"TRYOUT_VOTE_VOTER_CAP_PER_IP", "12", "new voters on one client address in the hold window before a further new voter there must confirm an email to vote (0: no cap)"},
	{"TRYOUT_VOTE_HOLD_WINDOW", "1h", "the window the per-address hold checks count over; a held vote is re-checked once this long has passed after it"},
	{"TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_IP", "8", "new voters from one client address in the hold window before their votes are held for review (0: check off)"},
	{"TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_NETWORK", "40", "new voters from one /24 (IPv6 /64) network in the hold window before their votes are held (0: off)"},
	{"TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP", "3", "new voters from one client address who watched no video, in the hold window, before such voters' votes are held (0: off)"},
	{"TRYOUT_VOTE_HOLD_REGULAR_STREAK", "3", "machine-regular votes in a row from one client address (same gap, or same delay after the page) before the next are held (0: off)"},
	{"TRYOUT_VIEW_AFTER", "5s", "playback time before a view counts (then once per viewer and entry per hour)"},
	{"TRYOUT_GALLERY_CHECK_INTERVAL", "5s", "how often serve checks that Redis still holds the galleries; after a loss one process rebuilds them from MongoDB with vote totals from the ballots"},
	{"TRYOUT_EMBED_ANCESTORS", "*", "sites allowed to embed the player and gallery widget (CSP frame-ancestors, space separated)"},
	{"TRYOUT_WEBHOOK_ALLOW_PRIVATE", "false", "let webhooks reach private, loopback and link-local addresses (checked when an endpoint is saved and again at every connection); leave off unless the receiver is on your own network"},
	{"TRYOUT_WORKER_CONCURRENCY", "2", "media tasks processed at once per worker"},
	{"TRYOUT_FFPROBE_PATH", "ffprobe", "ffprobe binary"},
	{"TRYOUT_FFMPEG_PATH", "ffmpeg", "ffmpeg binary"},
	{"TRYOUT_FPCALC_PATH", "fpcalc", "Chromaprint's fpcalc binary (Debian package libchromaprint-tools), for the sound in the duplicate check; off leaves sound out"},
	{"TRYOUT_MEDIA_TIMEOUT", "30m", "hard timeout for one ffmpeg or ffprobe call"},
	{"TRYOUT_MEDIA_MEMORY_BYTES", "3221225472", "address-space limit for each ffmpeg or ffprobe process"},
	{"TRYOUT_MEDIA_MAX_PIXELS", "8847360", "largest frame (width x height) ffmpeg will decode; 4096x2160"},
	{"TRYOUT_MEDIA_TEMP_DIR", "(DATA_DIR/tmp)", "parent of the per-task media work directories"},
	{"TRYOUT_WORKER_HEALTH_ADDR", "(empty: none)", "address where `tryout worker` answers /healthz and /readyz (task server running; MongoDB, Redis, storage and its work directory reachable), for container health checks"},
	{"TRYOUT_DISK_MIN_FREE_BYTES", "268435456", "/readyz reports the data directory (and the worker's work directory) down when it cannot be written or has less free space than this"},
	{"TRYOUT_COUNTRY_HEADER", "(empty: none)", "header in which a trusted proxy (TRYOUT_TRUSTED_PROXIES) gives the client's country, e.g. CF-IPCountry; recorded with each entry as a signal and flagged for review when it differs from the declared country; never read from other clients"},
	{"TRYOUT_DELETION_LINK_TTL", "24h", "how long the emailed link confirming an account deletion works"},
	{"TRYOUT_EXPORT_LINK_TTL", "1h", "how long the links to original videos in a data export work"},
	{"TRYOUT_RETAIN_ORIGINALS_DAYS", "90", "default days after a campaign closes before uploaded originals are deleted (renditions stay); a campaign may set its own"},
	{"TRYOUT_RETAIN_UNPUBLISHED_DAYS", "30", "default days before every file of an entry that never went live is deleted, once it is settled; a campaign may set its own"},
	{"TRYOUT_RETAIN_SIGNALS_DAYS", "30", "default days before voters' address, network and device hashes are erased from ballots; a campaign may set its own"},
}

// Load reads the configuration through getenv (os.Getenv in production) and
// validates it. Every problem is reported, not only the first.
func Load(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		HTTPAddr:        p.str("TRYOUT_HTTP_ADDR", "127.0.0.1:8080"),
		PublicURL:       strings.TrimRight(p.str("TRYOUT_PUBLIC_URL", "http://127.0.0.1:8080"), "/"),
		DataDir:         p.str("TRYOUT_DATA_DIR", "./.data"),
		SessionSecret:   Secret(p.str("TRYOUT_SESSION_SECRET", "")),
		LoginLinkTTL:    p.duration("TRYOUT_LOGIN_LINK_TTL", 15*time.Minute),
		SessionTTL:      p.duration("TRYOUT_SESSION_TTL", 720*time.Hour),
		ShutdownTimeout: p.duration("TRYOUT_SHUTDOWN_TIMEOUT", 20*time.Second),
		LogLevel:        p.level("TRYOUT_LOG_LEVEL", slog.LevelInfo),
		LogFormat:       p.str("TRYOUT_LOG_FORMAT", "text"),

		MongoURI:      Secret(p.str("TRYOUT_MONGO_URI", "")),
		MongoDatabase: p.str("TRYOUT_MONGO_DATABASE", "tryout"),

		RedisAddr:     p.str("TRYOUT_REDIS_ADDR", "127.0.0.1:6379"),
		RedisPassword: Secret(p.str("TRYOUT_REDIS_PASSWORD", "")),
		RedisDB:       p.int("TRYOUT_REDIS_DB", 0),

		S3Endpoint:          p.str("TRYOUT_S3_ENDPOINT", "127.0.0.1:9000"),
		S3PublicEndpoint:    p.str("TRYOUT_S3_PUBLIC_ENDPOINT", ""),
		UploadURLTTL:        p.duration("TRYOUT_UPLOAD_URL_TTL", time.Hour),
		S3AccessKey:         p.str("TRYOUT_S3_ACCESS_KEY", "minioadmin"),
		S3SecretKey:         Secret(p.str("TRYOUT_S3_SECRET_KEY", "minioadmin")),
		S3UseTLS:            p.bool("TRYOUT_S3_USE_TLS", false),
		S3Region:            p.str("TRYOUT_S3_REGION", "us-east-1"),
		S3BucketOriginals:   p.str("TRYOUT_S3_BUCKET_ORIGINALS", "tryout-originals"),
		S3BucketRenditions:  p.str("TRYOUT_S3_BUCKET_RENDITIONS", "tryout-renditions"),
		MaxUploadBytes:      p.int64("TRYOUT_MAX_UPLOAD_BYTES", 4<<30),
		UploadPartSizeBytes: p.int64("TRYOUT_UPLOAD_PART_SIZE_BYTES", 8<<20),
		UploadStreamThreads: p.int("TRYOUT_UPLOAD_STREAM_THREADS", 4),

		SMTPHost:                 p.str("TRYOUT_SMTP_HOST", ""),
		SMTPPort:                 p.int("TRYOUT_SMTP_PORT", 587),
		SMTPTLS:                  p.str("TRYOUT_SMTP_TLS", "starttls"),
		SMTPUsername:             p.str("TRYOUT_SMTP_USERNAME", ""),
		SMTPPassword:             Secret(p.str("TRYOUT_SMTP_PASSWORD", "")),
		MailFrom:                 p.str("TRYOUT_MAIL_FROM", "Tryout <no-reply@localhost>"),
		MailPerCampaignPerMinute: p.int("TRYOUT_MAIL_PER_CAMPAIGN_PER_MINUTE", 600),
		MailQuietFrom:            p.int("TRYOUT_MAIL_QUIET_FROM", 22),
		MailQuietTo:              p.int("TRYOUT_MAIL_QUIET_TO", 7),

		ModerationURL:          p.str("TRYOUT_MODERATION_URL", ""),
		ModerationTimeout:      p.duration("TRYOUT_MODERATION_TIMEOUT", 10*time.Second),
		ModerationAllowPrivate: p.bool("TRYOUT_MODERATION_ALLOW_PRIVATE", false),
		ModerationURLTTL:       p.duration("TRYOUT_MODERATION_URL_TTL", 30*time.Minute),

		ViewAfter:      p.duration("TRYOUT_VIEW_AFTER", 5*time.Second),
		TrustedProxies: splitList(p.str("TRYOUT_TRUSTED_PROXIES", "")),
		VoteLimitIP:    p.int("TRYOUT_VOTE_LIMIT_PER_IP", 120),
		VoteJournal:    p.str("TRYOUT_VOTE_JOURNAL", "auto"),
		VoteDrainLag:   p.duration("TRYOUT_VOTE_DRAIN_MAX_LAG", time.Minute),
		VoteLimitNet:   p.int("TRYOUT_VOTE_LIMIT_PER_NETWORK", 600),
		VoteBurst:      p.int("TRYOUT_VOTE_CHALLENGE_PER_IP", 10),
		VoteCrowd:      p.int("TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP", 6),
		VotePoWBits:    p.int("TRYOUT_VOTE_CHALLENGE_BITS", 16),
		EmbedAncestors: p.str("TRYOUT_EMBED_ANCESTORS", "*"),

		VotePoWMaxBits:    p.int("TRYOUT_VOTE_CHALLENGE_MAX_BITS", 22),
		VoteVoterCap:      p.int("TRYOUT_VOTE_VOTER_CAP_PER_IP", 12),
		VoteHoldWindow:    p.duration("TRYOUT_VOTE_HOLD_WINDOW", time.Hour),
		VoteHoldNewIP:     p.int("TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_IP", 8),
		VoteHoldNewNet:    p.int("TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_NETWORK", 40),
		VoteHoldUnwatched: p.int("TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP", 3),
		VoteHoldStreak:    p.int("TRYOUT_VOTE_HOLD_REGULAR_STREAK", 3),

		GalleryCheckInterval: p.duration("TRYOUT_GALLERY_CHECK_INTERVAL", 5*time.Second),
		WebhookAllowPrivate:  p.bool("TRYOUT_WEBHOOK_ALLOW_PRIVATE", false),

		WorkerConcurrency: p.int("TRYOUT_WORKER_CONCURRENCY", 2),
		FFprobePath:       p.str("TRYOUT_FFPROBE_PATH", "ffprobe"),
		FFmpegPath:        p.str("TRYOUT_FFMPEG_PATH", "ffmpeg"),
		FpcalcPath:        p.str("TRYOUT_FPCALC_PATH", "fpcalc"),
		MediaTimeout:      p.duration("TRYOUT_MEDIA_TIMEOUT", 30*time.Minute),
		MediaMemoryBytes:  p.int64("TRYOUT_MEDIA_MEMORY_BYTES", 3<<30),
		MediaMaxPixels:    p.int64("TRYOUT_MEDIA_MAX_PIXELS", 4096*2160),
		MediaTempDir:      p.str("TRYOUT_MEDIA_TEMP_DIR", ""),
		WorkerHealthAddr:  p.str("TRYOUT_WORKER_HEALTH_ADDR", ""),
		DiskMinFreeBytes:  p.int64("TRYOUT_DISK_MIN_FREE_BYTES", 256<<20),

		CountryHeader:         strings.TrimSpace(p.str("TRYOUT_COUNTRY_HEADER", "")),
		DeletionLinkTTL:       p.duration("TRYOUT_DELETION_LINK_TTL", 24*time.Hour),
		ExportLinkTTL:         p.duration("TRYOUT_EXPORT_LINK_TTL", time.Hour),
		RetainOriginalsDays:   p.int("TRYOUT_RETAIN_ORIGINALS_DAYS", 90),
		RetainUnpublishedDays: p.int("TRYOUT_RETAIN_UNPUBLISHED_DAYS", 30),
		RetainSignalsDays:     p.int("TRYOUT_RETAIN_SIGNALS_DAYS", 30),
	}
	if c.S3PublicEndpoint == "" {
		c.S3PublicEndpoint = c.S3Endpoint
	}
	if c.FpcalcPath == "off" {
		c.FpcalcPath = ""
	}
	c.S3PublicUseTLS = p.bool("TRYOUT_S3_PUBLIC_USE_TLS", c.S3UseTLS)
	if c.MediaTempDir == "" {
		c.MediaTempDir = strings.TrimRight(c.DataDir, "/") + "/tmp"
	}
	p.errs = append(p.errs, c.validate()...)
	if len(p.errs) > 0 {
		return Config{}, fmt.Errorf("config: %w", errors.Join(p.errs...))
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

type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) str(name, def string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return def
}

func (p *parser) int64(name string, def int64) int64 {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: want a whole number, got %q", name, v))
		return def
	}
	return n
}

func (p *parser) int(name string, def int) int { return int(p.int64(name, int64(def))) }

func (p *parser) bool(name string, def bool) bool {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: want true or false, got %q", name, v))
		return def
	}
	return b
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: want a duration such as 30s or 5m, got %q", name, v))
		return def
	}
	return d
}

func (p *parser) level(name string, def slog.Level) slog.Level {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: want debug, info, warn or error, got %q", name, v))
		return def
	}
	return l
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
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
