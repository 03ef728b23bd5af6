package main

import (
	"net"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/testkit"
)

const composeFile = "../../docker-compose.yml"

// TestComposeFile reads docker-compose.yml as Docker would (no engine runs
// here): it refuses to start without the shared session secret; every
// image is pinned; ports are published on loopback only; every Tryout
// service's environment loads through config with no error and passes the
// shared-database check, with one secret for all; mail goes to Mailpit's
// SMTP port; the storage address browsers get is one MinIO publishes, and
// MinIO lets the site's origin upload; the API and worker health checks
// ask the ports those processes serve.
func TestComposeFile(t *testing.T) {
	if _, err := testkit.LoadCompose(composeFile, map[string]string{}); err == nil || !strings.Contains(err.Error(), "TRYOUT_SESSION_SECRET") {
		t.Errorf("without TRYOUT_SESSION_SECRET: %v, want a refusal naming it", err)
	}
	c, err := testkit.LoadCompose(composeFile, map[string]string{"TRYOUT_SESSION_SECRET": strings.Repeat("s3cret-", 6)})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"mongo", "redis", "minio", "mailpit", "migrate", "api", "worker"} {
		if _, ok := c.Services[want]; !ok {
			t.Errorf("no %s service", want)
		}
	}
	secrets := map[string]bool{}
	cfgs := map[string]config.Config{}
	for _, name := range c.Names() {
		s := c.Services[name]
		if s.Image != "" {
			i := strings.LastIndex(s.Image, ":")
			if i < 0 || s.Image[i+1:] == "latest" || strings.Contains(s.Image[i+1:], "/") {
				t.Errorf("%s: image %q is not pinned to a version", name, s.Image)
			}
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s: port %q is not published on loopback only", name, p)
			}
		}
		if s.Build == nil {
			continue
		}
		cfg, err := config.Load(func(k string) string { return s.Environment[k] })
		if err != nil {
			t.Errorf("%s: environment does not load: %v", name, err)
			continue
		}
		if err := cfg.CheckShared(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		secrets[cfg.SessionSecret.Reveal()] = true
		cfgs[name] = cfg
	}
	if len(secrets) != 1 {
		t.Errorf("the Tryout services have %d different session secrets, want one shared", len(secrets))
	}
	for _, name := range []string{"api", "worker", "migrate"} {
		cfg, ok := cfgs[name]
		if !ok {
			t.Fatalf("%s: no Tryout configuration", name)
		}
		if cfg.SMTPHost != "mailpit" || cfg.SMTPPort != 1025 || cfg.SMTPTLS != "none" {
			t.Errorf("%s: mail goes to %s:%d (%s), want Mailpit's SMTP mailpit:1025 without TLS", name, cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS)
		}
		host, port, _ := net.SplitHostPort(cfg.S3PublicEndpoint)
		if _, isService := c.Services[host]; isService || !published(c.Services["minio"].Ports, port, "9000") {
			t.Errorf("%s: browsers are sent to %s, which is not a port MinIO publishes to them", name, cfg.S3PublicEndpoint)
		}
		if got := c.Services["minio"].Environment["MINIO_API_CORS_ALLOW_ORIGIN"]; got != cfg.PublicURL {
			t.Errorf("MinIO allows uploads from %q, want the site %q", got, cfg.PublicURL)
		}
	}
	api, worker := c.Services["api"], c.Services["worker"]
	if cmd := strings.Join(api.Command, " "); cmd != "serve" {
		t.Errorf("api runs %q", cmd)
	}
	if cmd := strings.Join(worker.Command, " "); cmd != "worker" {
		t.Errorf("worker runs %q", cmd)
	}
	_, apiPort, _ := net.SplitHostPort(cfgs["api"].HTTPAddr)
	checkHealth(t, "api", api.Healthcheck.Test, apiPort)
	if cfgs["worker"].WorkerHealthAddr == "" {
		t.Fatal("worker: TRYOUT_WORKER_HEALTH_ADDR is not set, so nothing can check it")
	}
	_, workerPort, _ := net.SplitHostPort(cfgs["worker"].WorkerHealthAddr)
	checkHealth(t, "worker", worker.Healthcheck.Test, workerPort)
}

// checkHealth wants a health check that asks /readyz on port.
func checkHealth(t *testing.T, name string, test []string, port string) {
	t.Helper()
	for _, arg := range test {
		if u, err := url.Parse(arg); err == nil && u.Port() == port && u.Path == "/readyz" {
			return
		}
	}
	t.Errorf("%s: health check %q does not ask /readyz on port %s", name, test, port)
}

// published reports whether ports publish container port cport on host
// port hport.
func published(ports []string, hport, cport string) bool {
	for _, p := range ports {
		parts := strings.Split(p, ":")
		if len(parts) == 3 && parts[1] == hport && parts[2] == cport {
			return true
		}
	}
	return false
}

// TestReadmeDeploymentMatchesCompose: the README's deployment section
// names every image the compose file runs and every variable it requires.
func TestReadmeDeploymentMatchesCompose(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Deploying with Docker")
	if !ok {
		t.Fatal("README has no \"## Deploying with Docker\" section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	c, err := testkit.LoadCompose(composeFile, map[string]string{"TRYOUT_SESSION_SECRET": strings.Repeat("x", 40)})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range c.Names() {
		if img := c.Services[name].Image; img != "" && !strings.Contains(section, img) {
			t.Errorf("the deployment section does not name the image %s", img)
		}
	}
	for _, v := range []string{"TRYOUT_SESSION_SECRET", "TRYOUT_PUBLIC_URL", "TRYOUT_S3_PUBLIC_ENDPOINT", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "TRYOUT_WORKER_HEALTH_ADDR"} {
		if !strings.Contains(section, v) {
			t.Errorf("the deployment section does not mention %s", v)
		}
	}
}
