package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Var is one environment variable: its name, the default Load uses, what it
// means, and how its text becomes a Config field. Vars is the only place a
// default is written.
type Var struct {
	Name string
	// Default is the text Load uses when the variable is unset or blank.
	Default string
	// From names the variable whose value is the default when Default is
	// empty (the public storage endpoint follows the internal one).
	From string
	// Note stands for the default in the documentation when the default is
	// not a fixed text: empty with a meaning, or derived in Load.
	Note string
	Help string
	set  func(c *Config, v value)
}

// Shown is the default as the documentation writes it.
func (v Var) Shown() string {
	switch {
	case v.Note != "":
		return v.Note
	case v.From != "":
		return "(" + v.From + ")"
	}
	return v.Default
}

// Vars lists every variable Tryout reads, in documentation order.
var Vars = []Var{
	{Name: "TRYOUT_HTTP_ADDR", Default: "127.0.0.1:8080", Help: "address the HTTP server listens on",
		set: func(c *Config, v value) { c.HTTPAddr = v.str() }},
	{Name: "TRYOUT_PUBLIC_URL", Default: "http://127.0.0.1:8080", Help: "base URL used in links and emails",
		set: func(c *Config, v value) { c.PublicURL = strings.TrimRight(v.str(), "/") }},
	{Name: "TRYOUT_DATA_DIR", Default: "./.data", Help: "local state: embedded database files and media temp files",
		set: func(c *Config, v value) { c.DataDir = v.str() }},
	{Name: "TRYOUT_SESSION_SECRET", Note: "(generated into DATA_DIR/session.key)", Help: "key for signed sign-in links and session cookies, at least 32 characters; set the same value on every server",
		set: func(c *Config, v value) { c.SessionSecret = Secret(v.str()) }},
	{Name: "TRYOUT_LOGIN_LINK_TTL", Default: "15m", Help: "how long an emailed sign-in link works",
		set: func(c *Config, v value) { c.LoginLinkTTL = v.duration() }},
	{Name: "TRYOUT_SESSION_TTL", Default: "720h", Help: "how long an entrant stays signed in",
		set: func(c *Config, v value) { c.SessionTTL = v.duration() }},
	{Name: "TRYOUT_SHUTDOWN_TIMEOUT", Default: "20s", Help: "how long each shutdown step may take",
		set: func(c *Config, v value) { c.ShutdownTimeout = v.duration() }},
	{Name: "TRYOUT_HTTP_READ_HEADER_TIMEOUT", Default: "10s", Help: "how long a client may take to send a request's headers (bodies have no fixed limit: uploads extend theirs per request)",
		set: func(c *Config, v value) { c.HTTPReadHeaderTimeout = v.duration() }},
	{Name: "TRYOUT_HTTP_IDLE_TIMEOUT", Default: "2m", Help: "how long an idle keep-alive connection stays open",
		set: func(c *Config, v value) { c.HTTPIdleTimeout = v.duration() }},
	{Name: "TRYOUT_HTTP_MAX_HEADER_BYTES", Default: "65536", Help: "largest request header block the HTTP server reads",
		set: func(c *Config, v value) { c.HTTPMaxHeaderBytes = v.int() }},
	{Name: "TRYOUT_LOGIN_LINK_LIMIT_PER_EMAIL", Default: "5", Help: "sign-in links one email address may ask for per 15 minutes (then 429 too_many_requests)",
		set: func(c *Config, v value) { c.LinkLimitPerEmail = v.int64() }},
	{Name: "TRYOUT_LOGIN_LINK_LIMIT_PER_IP", Default: "60", Help: "sign-in links one client address may ask for per 15 minutes (looser: networks are shared)",
		set: func(c *Config, v value) { c.LinkLimitPerIP = v.int64() }},
	{Name: "TRYOUT_STAFF_LOGIN_LIMIT_PER_EMAIL", Default: "10", Help: "staff sign-in attempts (console form and admin API) per email address per 15 minutes (then 429 too_many_attempts)",
		set: func(c *Config, v value) { c.StaffLoginLimitPerEmail = v.int64() }},
	{Name: "TRYOUT_STAFF_LOGIN_LIMIT_PER_IP", Default: "50", Help: "staff sign-in attempts per client address per 15 minutes",
		set: func(c *Config, v value) { c.StaffLoginLimitPerIP = v.int64() }},
	{Name: "TRYOUT_REPLY_LIMIT_PER_HOUR", Default: "30", Help: "replies one entrant may send to the brand's messages per hour",
		set: func(c *Config, v value) { c.ReplyLimitPerHour = v.int64() }},
	{Name: "TRYOUT_REPORT_LIMIT_PER_IP", Default: "20", Help: "fan reports one client address may file per hour",
		set: func(c *Config, v value) { c.ReportLimitPerIP = v.int64() }},
	{Name: "TRYOUT_VIEW_LIMIT_PER_IP", Default: "20", Help: "view claims one client address may make for one entry per hour (more are answered as not counted)",
		set: func(c *Config, v value) { c.ViewLimitPerIP = v.int64() }},
	{Name: "TRYOUT_UPLOAD_IDLE_TIMEOUT", Default: "1m", Help: "a streamed upload whose body sends nothing for this long is cut off",
		set: func(c *Config, v value) { c.UploadIdleTimeout = v.duration() }},
	{Name: "TRYOUT_LOG_LEVEL", Default: "info", Help: "debug, info, warn or error",
		set: func(c *Config, v value) { c.LogLevel = v.level() }},
	{Name: "TRYOUT_LOG_FORMAT", Default: "text", Help: "text or json",
		set: func(c *Config, v value) { c.LogFormat = v.str() }},
	{Name: "TRYOUT_MONGO_URI", Note: "(empty: embedded FerretDB)", Help: "MongoDB URI; empty runs FerretDB in-process on SQLite files under DATA_DIR/ferretdb (dev, migrate and admin only)",
		set: func(c *Config, v value) { c.MongoURI = Secret(v.str()) }},
	{Name: "TRYOUT_MONGO_DATABASE", Default: "tryout", Help: "database name",
		set: func(c *Config, v value) { c.MongoDatabase = v.str() }},
	{Name: "TRYOUT_REDIS_ADDR", Default: "127.0.0.1:6379", Help: "Redis host:port (queues, rate limits, counters)",
		set: func(c *Config, v value) { c.RedisAddr = v.str() }},
	{Name: "TRYOUT_REDIS_PASSWORD", Note: "(empty)", Help: "Redis password",
		set: func(c *Config, v value) { c.RedisPassword = Secret(v.str()) }},
	{Name: "TRYOUT_REDIS_DB", Default: "0", Help: "Redis database number",
		set: func(c *Config, v value) { c.RedisDB = v.int() }},
	{Name: "TRYOUT_S3_ENDPOINT", Default: "127.0.0.1:9000", Help: "S3-compatible endpoint host:port",
		set: func(c *Config, v value) { c.S3Endpoint = v.str() }},
	{Name: "TRYOUT_S3_PUBLIC_ENDPOINT", From: "TRYOUT_S3_ENDPOINT", Help: "storage host:port browsers use for presigned upload URLs",
		set: func(c *Config, v value) { c.S3PublicEndpoint = v.str() }},
	{Name: "TRYOUT_S3_PUBLIC_USE_TLS", From: "TRYOUT_S3_USE_TLS", Help: "browsers reach storage over HTTPS",
		set: func(c *Config, v value) { c.S3PublicUseTLS = v.bool() }},
	{Name: "TRYOUT_UPLOAD_URL_TTL", Default: "1h", Help: "how long a presigned part-upload URL works (the browser asks for fresh ones on resume)",
		set: func(c *Config, v value) { c.UploadURLTTL = v.duration() }},
	{Name: "TRYOUT_S3_ACCESS_KEY", Default: "minioadmin", Help: "S3 access key",
		set: func(c *Config, v value) { c.S3AccessKey = v.str() }},
	{Name: "TRYOUT_S3_SECRET_KEY", Default: "minioadmin", Help: "S3 secret key",
		set: func(c *Config, v value) { c.S3SecretKey = Secret(v.str()) }},
	{Name: "TRYOUT_S3_USE_TLS", Default: "false", Help: "use HTTPS to reach S3",
		set: func(c *Config, v value) { c.S3UseTLS = v.bool() }},
	{Name: "TRYOUT_S3_REGION", Default: "us-east-1", Help: "S3 region",
		set: func(c *Config, v value) { c.S3Region = v.str() }},
	{Name: "TRYOUT_S3_BUCKET_ORIGINALS", Default: "tryout-originals", Help: "private bucket for uploaded originals",
		set: func(c *Config, v value) { c.S3BucketOriginals = v.str() }},
	{Name: "TRYOUT_S3_BUCKET_RENDITIONS", Default: "tryout-renditions", Help: "bucket for renditions and posters",
		set: func(c *Config, v value) { c.S3BucketRenditions = v.str() }},
	{Name: "TRYOUT_MAX_UPLOAD_BYTES", Default: "4294967296", Help: "hard cap on one upload in bytes, above any campaign's limit",
		set: func(c *Config, v value) { c.MaxUploadBytes = v.int64() }},
	{Name: "TRYOUT_UPLOAD_PART_SIZE_BYTES", Default: "8388608", Help: "S3 multipart part size for streamed uploads",
		set: func(c *Config, v value) { c.UploadPartSizeBytes = v.int64() }},
	{Name: "TRYOUT_UPLOAD_STREAM_THREADS", Default: "4", Help: "parts of one streamed upload sent to storage at once; memory per upload is this times the part size",
		set: func(c *Config, v value) { c.UploadStreamThreads = v.int() }},
	{Name: "TRYOUT_SMTP_HOST", Note: "(empty: keep mail in the outbox)", Help: "SMTP server; without it every message is kept in the staff outbox (/admin/outbox)",
		set: func(c *Config, v value) { c.SMTPHost = v.str() }},
	{Name: "TRYOUT_SMTP_PORT", Default: "587", Help: "SMTP port",
		set: func(c *Config, v value) { c.SMTPPort = v.int() }},
	{Name: "TRYOUT_SMTP_TLS", Default: "starttls", Help: "starttls, tls (implicit) or none",
		set: func(c *Config, v value) { c.SMTPTLS = v.str() }},
	{Name: "TRYOUT_SMTP_USERNAME", Note: "(empty)", Help: "SMTP user (PLAIN auth when set)",
		set: func(c *Config, v value) { c.SMTPUsername = v.str() }},
	{Name: "TRYOUT_SMTP_PASSWORD", Note: "(empty)", Help: "SMTP password",
		set: func(c *Config, v value) { c.SMTPPassword = Secret(v.str()) }},
	{Name: "TRYOUT_MAIL_FROM", Default: "Tryout <no-reply@localhost>", Help: "From address of every email",
		set: func(c *Config, v value) { c.MailFrom = v.str() }},
	{Name: "TRYOUT_MAIL_PER_CAMPAIGN_PER_MINUTE", Default: "600", Help: "most emails one campaign sends per minute; the rest wait in the queue (sign-in links are never held)",
		set: func(c *Config, v value) { c.MailPerCampaignPerMinute = v.int() }},
	{Name: "TRYOUT_MAIL_QUIET_FROM", Default: "22", Help: "UTC hour when quiet hours start: vote milestone emails wait until they end",
		set: func(c *Config, v value) { c.MailQuietFrom = v.int() }},
	{Name: "TRYOUT_MAIL_QUIET_TO", Default: "7", Help: "UTC hour when quiet hours end (equal to the start: no quiet hours)",
		set: func(c *Config, v value) { c.MailQuietTo = v.int() }},
	{Name: "TRYOUT_MODERATION_URL", Note: "(empty: none)", Help: "external moderation service: Tryout POSTs each entry's text and signed URLs of its poster and sampled pictures as JSON and reads back findings (docs/SCREENING.md)",
		set: func(c *Config, v value) { c.ModerationURL = v.str() }},
	{Name: "TRYOUT_MODERATION_TIMEOUT", Default: "10s", Help: "time limit for one call to the moderation service (three attempts)",
		set: func(c *Config, v value) { c.ModerationTimeout = v.duration() }},
	{Name: "TRYOUT_MODERATION_ALLOW_PRIVATE", Default: "false", Help: "let the moderation service be on a private or loopback address (refused by default)",
		set: func(c *Config, v value) { c.ModerationAllowPrivate = v.bool() }},
	{Name: "TRYOUT_MODERATION_URL_TTL", Default: "30m", Help: "how long the signed picture URLs shown to the moderation service work",
		set: func(c *Config, v value) { c.ModerationURLTTL = v.duration() }},
	{Name: "TRYOUT_TRUSTED_PROXIES", Note: "(empty: none)", Help: "comma-separated proxy addresses or CIDRs whose X-Forwarded-For is believed; with none, the client address is the connection's (rate limits cannot be dodged with a forged header)",
		set: func(c *Config, v value) { c.TrustedProxies = splitList(v.str()) }},
	{Name: "TRYOUT_VOTE_JOURNAL", Default: "auto", Help: "auto: votes are journaled in Redis and drained to MongoDB when Redis fsyncs every write (appendonly yes, appendfsync always), else written to MongoDB by group commit; off: always group commit",
		set: func(c *Config, v value) { c.VoteJournal = v.str() }},
	{Name: "TRYOUT_VOTE_DRAIN_MAX_LAG", Default: "60s", Help: "with the journal: while votes pour in, ballots wait in Redis (durable) up to this long before they are moved to MongoDB, so voting keeps the processor; they move at once when voting pauses; 0: always at once",
		set: func(c *Config, v value) { c.VoteDrainLag = v.duration() }},
	{Name: "TRYOUT_VOTE_COMMIT_BATCH", Default: "200", Help: "without the journal: most ballots one group commit inserts into MongoDB",
		set: func(c *Config, v value) { c.VoteCommitBatch = v.int() }},
	{Name: "TRYOUT_VOTE_DRAIN_BATCH", Default: "2000", Help: "with the journal: most ballots one drain step moves from Redis to MongoDB",
		set: func(c *Config, v value) { c.VoteDrainBatch = v.int() }},
	{Name: "TRYOUT_VOTE_LIMIT_PER_IP", Default: "120", Help: "votes accepted from one client address per 10 minutes (then 429 too_many_votes)",
		set: func(c *Config, v value) { c.VoteLimitIP = v.int() }},
	{Name: "TRYOUT_VOTE_LIMIT_PER_NETWORK", Default: "600", Help: "votes accepted from one /24 (IPv6 /64) network per 10 minutes",
		set: func(c *Config, v value) { c.VoteLimitNet = v.int() }},
	{Name: "TRYOUT_VOTE_CHALLENGE_PER_IP", Default: "10", Help: "votes per minute from one client address before further votes must solve a proof-of-work challenge",
		set: func(c *Config, v value) { c.VoteBurst = v.int() }},
	{Name: "TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP", Default: "6", Help: "new voters in the hold window on one client address before further votes must solve a challenge",
		set: func(c *Config, v value) { c.VoteCrowd = v.int() }},
	{Name: "TRYOUT_VOTE_CHALLENGE_BITS", Default: "16", Help: "proof-of-work difficulty in leading zero bits (16: about a second in a phone's browser)",
		set: func(c *Config, v value) { c.VotePoWBits = v.int() }},
	{Name: "TRYOUT_VOTE_CHALLENGE_MAX_BITS", Default: "22", Help: "escalation: a challenge asks one more bit for every two voters an address has shown in the hold window beyond the first two, up to this many",
		set: func(c *Config, v value) { c.VotePoWMaxBits = v.int() }},
	{Name: "TRYOUT_VOTE_VOTER_CAP_PER_IP", Default: "12", Help: "new voters on one client address in the hold window before a further new voter there must confirm an email to vote (0: no cap)",
		set: func(c *Config, v value) { c.VoteVoterCap = v.int() }},
	{Name: "TRYOUT_VOTE_HOLD_WINDOW", Default: "1h", Help: "the window the per-address hold checks count over; a held vote is re-checked once this long has passed after it",
		set: func(c *Config, v value) { c.VoteHoldWindow = v.duration() }},
	{Name: "TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_IP", Default: "8", Help: "new voters from one client address in the hold window before their votes are held for review (0: check off)",
		set: func(c *Config, v value) { c.VoteHoldNewIP = v.int() }},
	{Name: "TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_NETWORK", Default: "40", Help: "new voters from one /24 (IPv6 /64) network in the hold window before their votes are held (0: off)",
		set: func(c *Config, v value) { c.VoteHoldNewNet = v.int() }},
	{Name: "TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP", Default: "3", Help: "new voters from one client address who watched no video, in the hold window, before such voters' votes are held (0: off)",
		set: func(c *Config, v value) { c.VoteHoldUnwatched = v.int() }},
	{Name: "TRYOUT_VOTE_HOLD_REGULAR_STREAK", Default: "3", Help: "machine-regular votes in a row from one client address (same gap, or same delay after the page) before the next are held (0: off)",
		set: func(c *Config, v value) { c.VoteHoldStreak = v.int() }},
	{Name: "TRYOUT_VIEW_AFTER", Default: "5s", Help: "playback time before a view counts (then once per viewer and entry per hour)",
		set: func(c *Config, v value) { c.ViewAfter = v.duration() }},
	{Name: "TRYOUT_GALLERY_CHECK_INTERVAL", Default: "5s", Help: "how often serve checks that Redis still holds the galleries; after a loss one process rebuilds them from MongoDB with vote totals from the ballots",
		set: func(c *Config, v value) { c.GalleryCheckInterval = v.duration() }},
	{Name: "TRYOUT_EMBED_ANCESTORS", Default: "*", Help: "sites allowed to embed the player and gallery widget (CSP frame-ancestors, space separated)",
		set: func(c *Config, v value) { c.EmbedAncestors = v.str() }},
	{Name: "TRYOUT_WEBHOOK_ALLOW_PRIVATE", Default: "false", Help: "let webhooks reach private, loopback and link-local addresses (checked when an endpoint is saved and again at every connection); leave off unless the receiver is on your own network",
		set: func(c *Config, v value) { c.WebhookAllowPrivate = v.bool() }},
	{Name: "TRYOUT_WORKER_CONCURRENCY", Default: "2", Help: "media tasks processed at once per worker",
		set: func(c *Config, v value) { c.WorkerConcurrency = v.int() }},
	{Name: "TRYOUT_FFPROBE_PATH", Default: "ffprobe", Help: "ffprobe binary",
		set: func(c *Config, v value) { c.FFprobePath = v.str() }},
	{Name: "TRYOUT_FFMPEG_PATH", Default: "ffmpeg", Help: "ffmpeg binary",
		set: func(c *Config, v value) { c.FFmpegPath = v.str() }},
	{Name: "TRYOUT_FPCALC_PATH", Default: "fpcalc", Help: "Chromaprint's fpcalc binary (Debian package libchromaprint-tools), for the sound in the duplicate check; off leaves sound out",
		set: func(c *Config, v value) { c.FpcalcPath = v.path() }},
	{Name: "TRYOUT_MEDIA_TIMEOUT", Default: "30m", Help: "hard timeout for one ffmpeg or ffprobe call",
		set: func(c *Config, v value) { c.MediaTimeout = v.duration() }},
	{Name: "TRYOUT_MEDIA_MEMORY_BYTES", Default: "3221225472", Help: "address-space limit for each ffmpeg or ffprobe process",
		set: func(c *Config, v value) { c.MediaMemoryBytes = v.int64() }},
	{Name: "TRYOUT_MEDIA_MAX_PIXELS", Default: "8847360", Help: "largest frame (width x height) ffmpeg will decode; 4096x2160",
		set: func(c *Config, v value) { c.MediaMaxPixels = v.int64() }},
	{Name: "TRYOUT_MEDIA_TEMP_DIR", Note: "(DATA_DIR/tmp)", Help: "parent of the per-task media work directories",
		set: func(c *Config, v value) { c.MediaTempDir = v.str() }},
	{Name: "TRYOUT_WORKER_HEALTH_ADDR", Note: "(empty: none)", Help: "address where `tryout worker` answers /healthz and /readyz (task server running; MongoDB, Redis, storage and its work directory reachable), for container health checks",
		set: func(c *Config, v value) { c.WorkerHealthAddr = v.str() }},
	{Name: "TRYOUT_DISK_MIN_FREE_BYTES", Default: "268435456", Help: "/readyz reports the data directory (and the worker's work directory) down when it cannot be written or has less free space than this",
		set: func(c *Config, v value) { c.DiskMinFreeBytes = v.int64() }},
	{Name: "TRYOUT_COUNTRY_HEADER", Note: "(empty: none)", Help: "header in which a trusted proxy (TRYOUT_TRUSTED_PROXIES) gives the client's country, e.g. CF-IPCountry; recorded with each entry as a signal and flagged for review when it differs from the declared country; never read from other clients",
		set: func(c *Config, v value) { c.CountryHeader = v.str() }},
	{Name: "TRYOUT_DELETION_LINK_TTL", Default: "24h", Help: "how long the emailed link confirming an account deletion works",
		set: func(c *Config, v value) { c.DeletionLinkTTL = v.duration() }},
	{Name: "TRYOUT_EXPORT_LINK_TTL", Default: "1h", Help: "how long the links to original videos in a data export work",
		set: func(c *Config, v value) { c.ExportLinkTTL = v.duration() }},
	{Name: "TRYOUT_RETAIN_ORIGINALS_DAYS", Default: "90", Help: "default days after a campaign closes before uploaded originals are deleted (renditions stay); a campaign may set its own",
		set: func(c *Config, v value) { c.RetainOriginalsDays = v.int() }},
	{Name: "TRYOUT_RETAIN_UNPUBLISHED_DAYS", Default: "30", Help: "default days before every file of an entry that never went live is deleted, once it is settled; a campaign may set its own",
		set: func(c *Config, v value) { c.RetainUnpublishedDays = v.int() }},
	{Name: "TRYOUT_RETAIN_SIGNALS_DAYS", Default: "30", Help: "default days before voters' address, network and device hashes are erased from ballots; a campaign may set its own",
		set: func(c *Config, v value) { c.RetainSignalsDays = v.int() }},
}

// value is one variable's text as Load sees it (the environment's, else the
// default) with parsers that record a problem under the variable's name and
// fall back to the default.
type value struct {
	name, text, def string
	errs            *[]error
}

func (v value) str() string { return v.text }

// path reads a binary's path; "off" means none.
func (v value) path() string {
	if v.text == "off" {
		return ""
	}
	return v.text
}

func (v value) fail(want string) {
	*v.errs = append(*v.errs, fmt.Errorf("%s: want %s, got %q", v.name, want, v.text))
}

func (v value) int64() int64 {
	n, err := strconv.ParseInt(v.text, 10, 64)
	if err != nil {
		v.fail("a whole number")
		n, _ = strconv.ParseInt(v.def, 10, 64)
	}
	return n
}

func (v value) int() int { return int(v.int64()) }

func (v value) bool() bool {
	b, err := strconv.ParseBool(v.text)
	if err != nil {
		v.fail("true or false")
		b, _ = strconv.ParseBool(v.def)
	}
	return b
}

func (v value) duration() time.Duration {
	d, err := time.ParseDuration(v.text)
	if err != nil {
		v.fail("a duration such as 30s or 5m")
		d, _ = time.ParseDuration(v.def)
	}
	return d
}

func (v value) level() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(v.text)); err != nil {
		v.fail("debug, info, warn or error")
		_ = l.UnmarshalText([]byte(v.def))
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
