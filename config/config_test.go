package config

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatalf("defaults must be valid: %v", err)
	}
	if c.HTTPAddr != "127.0.0.1:8080" || c.RedisAddr != "127.0.0.1:6379" || c.S3Endpoint != "127.0.0.1:9000" {
		t.Errorf("unexpected loopback defaults: %+v", c)
	}
	if !c.Embedded() {
		t.Error("no TRYOUT_MONGO_URI must mean the embedded database")
	}
	if c.VoteHoldWindow != time.Hour || c.VoteVoterCap != 12 || c.VoteHoldNewIP != 8 || c.VoteHoldUnwatched != 3 || c.VotePoWMaxBits != 22 || c.VoteCrowd != 6 {
		t.Errorf("vote hold defaults: %+v", c)
	}
	if c.MediaTempDir != "./.data/tmp" {
		t.Errorf("MediaTempDir = %q, want it under the data dir", c.MediaTempDir)
	}
	if c.HTTPReadHeaderTimeout != 10*time.Second || c.HTTPIdleTimeout != 2*time.Minute || c.HTTPMaxHeaderBytes != 64<<10 ||
		c.VoteCommitBatch != 200 || c.VoteDrainBatch != 2000 {
		t.Errorf("server and batch defaults: %+v", c)
	}
	if c.LinkLimitPerEmail != 5 || c.LinkLimitPerIP != 60 || c.StaffLoginLimitPerEmail != 10 || c.StaffLoginLimitPerIP != 50 ||
		c.ReplyLimitPerHour != 30 || c.ReportLimitPerIP != 20 || c.ViewLimitPerIP != 20 || c.UploadIdleTimeout != time.Minute {
		t.Errorf("request limit defaults: %+v", c)
	}
	if c.FpcalcPath != "fpcalc" || c.ModerationAllowPrivate || c.ModerationURLTTL != 30*time.Minute {
		t.Errorf("screening defaults: fpcalc %q, allow private %v, URL TTL %s", c.FpcalcPath, c.ModerationAllowPrivate, c.ModerationURLTTL)
	}
}

func TestLoadOverrides(t *testing.T) {
	c, err := Load(env(map[string]string{
		"TRYOUT_HTTP_ADDR":                "0.0.0.0:9999",
		"TRYOUT_MONGO_URI":                "mongodb://u:p@db:27017/?replicaSet=rs0",
		"TRYOUT_SHUTDOWN_TIMEOUT":         "3s",
		"TRYOUT_LOG_LEVEL":                "debug",
		"TRYOUT_S3_USE_TLS":               "true",
		"TRYOUT_PUBLIC_URL":               "https://contest.example.com/",
		"TRYOUT_MODERATION_ALLOW_PRIVATE": "true",
		"TRYOUT_FPCALC_PATH":              "off",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "0.0.0.0:9999" || c.ShutdownTimeout != 3*time.Second || c.LogLevel != slog.LevelDebug || !c.S3UseTLS {
		t.Errorf("overrides not applied: %+v", c)
	}
	if c.Embedded() {
		t.Error("a Mongo URI must not mean embedded")
	}
	if !c.ModerationAllowPrivate || c.FpcalcPath != "" {
		t.Errorf("screening overrides not applied: %v %q", c.ModerationAllowPrivate, c.FpcalcPath)
	}
	if c.PublicURL != "https://contest.example.com" {
		t.Errorf("PublicURL = %q, want trailing slash trimmed", c.PublicURL)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name, key, value, want string
	}{
		{"bad addr", "TRYOUT_HTTP_ADDR", "8080", "TRYOUT_HTTP_ADDR"},
		{"bad url", "TRYOUT_PUBLIC_URL", "ftp://x", "TRYOUT_PUBLIC_URL"},
		{"bad duration", "TRYOUT_SHUTDOWN_TIMEOUT", "soon", "want a duration"},
		{"bad int", "TRYOUT_REDIS_DB", "one", "whole number"},
		{"redis db range", "TRYOUT_REDIS_DB", "-1", "negative"},
		{"bad bool", "TRYOUT_S3_USE_TLS", "maybe", "true or false"},
		{"bad level", "TRYOUT_LOG_LEVEL", "loud", "TRYOUT_LOG_LEVEL"},
		{"bad format", "TRYOUT_LOG_FORMAT", "xml", "text or json"},
		{"bad mongo uri", "TRYOUT_MONGO_URI", "postgres://x", "mongodb://"},
		{"bad bucket", "TRYOUT_S3_BUCKET_ORIGINALS", "Bad_Bucket", "valid bucket"},
		{"same buckets", "TRYOUT_S3_BUCKET_RENDITIONS", "tryout-originals", "must differ"},
		{"tiny part", "TRYOUT_UPLOAD_PART_SIZE_BYTES", "1024", "5 MiB"},
		{"upload over parts", "TRYOUT_MAX_UPLOAD_BYTES", fmt.Sprint(int64(8<<20) * 10001), "10000 parts"},
		{"threads", "TRYOUT_UPLOAD_STREAM_THREADS", "0", "1..16"},
		{"short secret", "TRYOUT_SESSION_SECRET", "short", "at least 32"},
		{"bad smtp tls", "TRYOUT_SMTP_TLS", "ssl3", "starttls, tls or none"},
		{"bad from", "TRYOUT_MAIL_FROM", "nobody", "TRYOUT_MAIL_FROM"},
		{"link ttl", "TRYOUT_LOGIN_LINK_TTL", "72h", "1m..24h"},
		{"upload url ttl", "TRYOUT_UPLOAD_URL_TTL", "400h", "7 days"},
		{"no workers", "TRYOUT_WORKER_CONCURRENCY", "0", "1..64"},
		{"tiny memory", "TRYOUT_MEDIA_MEMORY_BYTES", "1000", "256 MiB"},
		{"provider url ttl", "TRYOUT_MODERATION_URL_TTL", "200h", "7 days"},
		{"provider url ttl short", "TRYOUT_MODERATION_URL_TTL", "5s", "1m..168h"},
		{"provider private", "TRYOUT_MODERATION_ALLOW_PRIVATE", "sometimes", "true or false"},
		{"max bits below base", "TRYOUT_VOTE_CHALLENGE_MAX_BITS", "8", "TRYOUT_VOTE_CHALLENGE_BITS (16) to 28"},
		{"max bits too high", "TRYOUT_VOTE_CHALLENGE_MAX_BITS", "40", "TRYOUT_VOTE_CHALLENGE_MAX_BITS"},
		{"hold window", "TRYOUT_VOTE_HOLD_WINDOW", "10s", "1m to 24h"},
		{"negative cap", "TRYOUT_VOTE_VOTER_CAP_PER_IP", "-1", "0 (off) or more"},
		{"negative hold", "TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP", "-2", "TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP"},
		{"header timeout", "TRYOUT_HTTP_READ_HEADER_TIMEOUT", "0s", "1s..5m"},
		{"idle timeout", "TRYOUT_HTTP_IDLE_TIMEOUT", "2h", "TRYOUT_HTTP_IDLE_TIMEOUT"},
		{"header bytes", "TRYOUT_HTTP_MAX_HEADER_BYTES", "100", "4096..1048576"},
		{"commit batch", "TRYOUT_VOTE_COMMIT_BATCH", "0", "TRYOUT_VOTE_COMMIT_BATCH: want 1..10000"},
		{"link limit", "TRYOUT_LOGIN_LINK_LIMIT_PER_EMAIL", "0", "TRYOUT_LOGIN_LINK_LIMIT_PER_EMAIL: want 1..1000000"},
		{"view limit", "TRYOUT_VIEW_LIMIT_PER_IP", "-5", "TRYOUT_VIEW_LIMIT_PER_IP"},
		{"upload idle", "TRYOUT_UPLOAD_IDLE_TIMEOUT", "1s", "5s..1h"},
		{"drain batch", "TRYOUT_VOTE_DRAIN_BATCH", "20000", "TRYOUT_VOTE_DRAIN_BATCH: want 1..10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(map[string]string{tt.key: tt.value}))
			if err == nil {
				t.Fatalf("%s=%q accepted", tt.key, tt.value)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(env(map[string]string{"TRYOUT_HTTP_ADDR": "x", "TRYOUT_REDIS_ADDR": "y"}))
	if err == nil || !strings.Contains(err.Error(), "TRYOUT_HTTP_ADDR") || !strings.Contains(err.Error(), "TRYOUT_REDIS_ADDR") {
		t.Fatalf("want both problems reported, got %v", err)
	}
}

func TestLogValueMasksSecrets(t *testing.T) {
	c, err := Load(env(map[string]string{
		"TRYOUT_MONGO_URI":      "mongodb://alice:hunter2@db:27017/?authSource=admin",
		"TRYOUT_S3_SECRET_KEY":  "minio-topsecret",
		"TRYOUT_REDIS_PASSWORD": "redis-topsecret",
		"TRYOUT_SESSION_SECRET": strings.Repeat("s3cr3t", 8),
		"TRYOUT_SMTP_PASSWORD":  "smtp-topsecret",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "config", c)
	out := b.String()
	for _, secret := range []string{"s3cr3t", "hunter2", "alice", "minio-topsecret", "redis-topsecret", "smtp-topsecret"} {
		if strings.Contains(out, secret) {
			t.Errorf("log output leaks %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "db:27017") {
		t.Errorf("log output should keep the Mongo host: %s", out)
	}
	if fmt.Sprint(c.S3SecretKey) != "****" {
		t.Errorf("Secret prints %q", fmt.Sprint(c.S3SecretKey))
	}
}

func TestVarsDocumentEveryVariable(t *testing.T) {
	seen := map[string]bool{}
	_, _ = Load(func(k string) string { seen[k] = true; return "" })
	for _, v := range Vars {
		if !seen[v.Name] {
			t.Errorf("Vars lists %s but Load never reads it", v.Name)
		}
		delete(seen, v.Name)
	}
	for k := range seen {
		t.Errorf("Load reads %s but Vars does not document it", k)
	}
}

func TestConfigDocDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../docs/CONFIG.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		if !strings.Contains(string(b), "| `"+v.Name+"` |") {
			t.Errorf("docs/CONFIG.md does not document %s", v.Name)
		}
	}
}

func TestLoadRightsSettings(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.CountryHeader != "" || c.DeletionLinkTTL != 24*time.Hour || c.ExportLinkTTL != time.Hour ||
		c.RetainOriginalsDays != 90 || c.RetainUnpublishedDays != 30 || c.RetainSignalsDays != 30 {
		t.Errorf("defaults: %+v", c)
	}
	c, err = Load(env(map[string]string{"TRYOUT_COUNTRY_HEADER": "CF-IPCountry", "TRYOUT_TRUSTED_PROXIES": "10.0.0.0/8", "TRYOUT_RETAIN_SIGNALS_DAYS": "7"}))
	if err != nil || c.CountryHeader != "CF-IPCountry" || c.RetainSignalsDays != 7 {
		t.Errorf("overrides: %v %+v", err, c)
	}
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TRYOUT_COUNTRY_HEADER": "CF-IPCountry"}, "TRUSTED_PROXIES"},
		{map[string]string{"TRYOUT_COUNTRY_HEADER": "Bad Header", "TRYOUT_TRUSTED_PROXIES": "10.0.0.1"}, "header name"},
		{map[string]string{"TRYOUT_DELETION_LINK_TTL": "1m"}, "TRYOUT_DELETION_LINK_TTL"},
		{map[string]string{"TRYOUT_EXPORT_LINK_TTL": "200h"}, "7 days"},
		{map[string]string{"TRYOUT_RETAIN_ORIGINALS_DAYS": "0"}, "TRYOUT_RETAIN_ORIGINALS_DAYS"},
		{map[string]string{"TRYOUT_RETAIN_UNPUBLISHED_DAYS": "9999"}, "1..3650"},
	} {
		if _, err := Load(env(tt.env)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want an error naming %q", tt.env, err, tt.want)
		}
	}
}

func TestWebhookAllowPrivate(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.WebhookAllowPrivate {
		t.Fatalf("default must refuse private webhook addresses: %v %v", c.WebhookAllowPrivate, err)
	}
	if c, err = Load(env(map[string]string{"TRYOUT_WEBHOOK_ALLOW_PRIVATE": "true"})); err != nil || !c.WebhookAllowPrivate {
		t.Errorf("true not applied: %v %v", c.WebhookAllowPrivate, err)
	}
	if _, err := Load(env(map[string]string{"TRYOUT_WEBHOOK_ALLOW_PRIVATE": "sometimes"})); err == nil || !strings.Contains(err.Error(), "TRYOUT_WEBHOOK_ALLOW_PRIVATE") {
		t.Errorf("a bad value must stop start-up naming the variable: %v", err)
	}
}
