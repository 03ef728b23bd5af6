// Package e2e runs Tryout in the shape it is deployed in: separate
// `tryout serve` and `tryout worker` processes, built from the real binary
// and configured from docker-compose.yml's own environment, on real Redis,
// MinIO, a concurrent MongoDB-protocol server and an SMTP server.
package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/testkit"
)

// TestTopology: two APIs and two workers, separate processes, from the
// compose file's environment with its service names mapped to this
// machine's loopback servers. One entry goes from a browser-style
// resumable upload (a drop and a resume on the other API) to live; a
// worker is killed with SIGKILL while transcoding it and the other
// finishes; votes arrive on both APIs and one API is killed with SIGKILL
// in the middle of them. Afterwards: every acknowledged vote has exactly
// one ballot, the shown totals equal the ballots, and every message went
// out exactly once.
func TestTopology(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four tryout processes")
	}
	k := testkit.New(t)
	if !k.Backend.Concurrent() {
		t.Skipf("the topology needs a concurrent database (FerretDB 2 or MongoDB; this is %s): make test runs it on ../shared/docdb", k.Backend)
	}
	smtp := testkit.StartSMTP(t)
	api1Addr, api2Addr := testkit.FreeAddr(t), testkit.FreeAddr(t)
	env := composeEnv(t, k, smtp, "http://"+api1Addr)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(testkit.Binary(t), args...)
		cmd.Env = env("api")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tryout %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("migrate")
	run("admin", "create-user", "--email", "owner@example.com", "--role", "owner", "--password", "owner password!")

	api1 := testkit.StartProc(t, "api1", append(env("api"), "TRYOUT_HTTP_ADDR="+api1Addr), "serve")
	api2 := testkit.StartProc(t, "api2", append(env("api"), "TRYOUT_HTTP_ADDR="+api2Addr), "serve")
	var workers []*testkit.Proc
	for i := range 2 {
		health := testkit.FreeAddr(t)
		w := testkit.StartProc(t, fmt.Sprint("worker", i+1), append(env("worker"), "TRYOUT_WORKER_HEALTH_ADDR="+health), "worker")
		w.WaitReady("http://" + health)
		workers = append(workers, w)
	}
	a, err := app.New(context.Background(), k.Config, k.Log, app.Clients{Mongo: k.Mongo, DB: k.DB, Redis: k.Redis, Blobs: k.Blobs, Backend: k.Backend})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	t.Cleanup(func() { a.Close(context.Background()) })
	ctx := context.Background()

	// The owner sets a campaign up through the admin API on one API.
	now := time.Now()
	owner := site{t: t, base: api2.Base, user: "owner@example.com", pass: "owner password!"}
	var cp struct{ ID, Slug string }
	owner.json(http.DefaultClient, "POST", "/admin/api/campaigns", map[string]any{
		"slug": "topology", "name": "Topology", "entry_opens_at": now.Add(-time.Hour), "entry_closes_at": now.Add(time.Hour),
		"max_file_bytes": 200 << 20, "max_duration_seconds": 120, "moderation_mode": "auto_approve_all",
		"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour),
		// Every voter here comes from 127.0.0.1 and watches nothing: the
		// automatic vote checks (internal/app holding tests) would hold them.
		"vote_checks_off": []string{"new_devices", "no_playback", "regular_timing", "automation"},
	}, &cp, http.StatusCreated)

	// The entrant signs in with the link api1 mailed, redeemed on api2
	// (one shared secret), drafts on api1 and uploads straight to storage
	// as the browser does, resuming on the other API after a drop.
	fan := signIn(t, smtp, site{t: t, base: api1.Base}, site{t: t, base: api2.Base}, "maya@example.com")
	s1, s2 := site{t: t, base: api1.Base}, site{t: t, base: api2.Base}
	var draft struct{ ID string }
	s1.json(fan, "POST", "/api/campaigns/topology/drafts", map[string]any{"title": "Skate line", "description": "One take",
		"accept_rules": "1", "media_release": true}, &draft, http.StatusCreated)
	video := testkit.ReadFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 24, Width: 1280, Height: 720, Audio: true, Source: "mandelbrot"}))
	uploadResumable(t, fan, s2, s1, draft.ID, video)

	// A worker dies mid-transcode; the other finishes the entry.
	waitEntry(t, a, draft.ID, "a worker to be transcoding", func(e entries.Entry) bool { return e.Stage == "transcode" && e.Progress >= 10 })
	busy := busyWorker(t, k, workers)
	t.Logf("killing %s at %d%%", busy.Name, mustEntry(t, a, draft.ID).Progress)
	busy.Signal(syscall.SIGKILL)
	live := waitEntry(t, a, draft.ID, "the entry to go live", func(e entries.Entry) bool { return e.Status == entries.Live || e.Status == entries.Failed })
	if live.Status != entries.Live {
		t.Fatalf("the entry ended %s (%s), want live", live.Status, live.StatusReason)
	}

	// Votes on both APIs; api1 is killed in the middle of them.
	token := testkit.PageToken(t, api1.Base, draft.ID)
	time.Sleep(2100 * time.Millisecond) // votes sooner than 2 s after the page view are challenged
	acked := voteLoad(t, []string{api1.Base, api2.Base}, draft.ID, token, 150, func() { api1.Signal(syscall.SIGKILL) })
	acked = append(acked, voteLoad(t, []string{api2.Base}, draft.ID, token, 50, nil)...)

	// Nothing acknowledged is lost, nothing counted twice, totals exact.
	if err := a.DrainVotes(ctx); err != nil {
		t.Fatal(err)
	}
	ballots := k.DB.Collection("ballots")
	for _, voter := range acked {
		if n, err := ballots.CountDocuments(ctx, map[string]any{"entry_id": draft.ID, "voter": voter}); err != nil || n != 1 {
			t.Errorf("acknowledged vote of %s: %d ballots (%v), want 1", voter, n, err)
		}
	}
	truth, err := a.VoteTruth(ctx, cp.ID)
	if err != nil {
		t.Fatal(err)
	}
	card, _, err := a.Gallery.Card(ctx, draft.ID)
	if err != nil || card.Votes != truth[draft.ID] || truth[draft.ID] < int64(len(acked)) {
		t.Errorf("shown total %d, ballots %d, acknowledged %d (%v)", card.Votes, truth[draft.ID], len(acked), err)
	}

	// Each message went out once: received, live, the first milestone.
	smtp.WaitFor(t, "maya@example.com", "is live")
	smtp.WaitFor(t, "maya@example.com", "votes for")
	time.Sleep(2 * time.Second) // let any duplicate arrive before counting
	seen := map[string]int{}
	subjects := map[string]int{}
	for _, m := range smtp.Messages() {
		seen[m.Header.Get("Message-Id")]++
		if m.To == "maya@example.com" && !strings.Contains(testkit.DecodeSubject(m.Header.Get("Subject")), "sign-in link") {
			subjects[testkit.DecodeSubject(m.Header.Get("Subject"))]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s was delivered %d times", id, n)
		}
	}
	var got []string
	for s, n := range subjects {
		got = append(got, fmt.Sprintf("%dx %s", n, s))
		if n != 1 {
			t.Errorf("%q reached the entrant %d times", s, n)
		}
	}
	sort.Strings(got)
	t.Logf("the entrant got: %s", strings.Join(got, "; "))
	for _, want := range []string{"Thanks for your entry", "is live", "votes for"} {
		if !containsAny(got, want) {
			t.Errorf("no %q message reached the entrant: %v", want, got)
		}
	}
	t.Logf("%d votes acknowledged, %d ballots", len(acked), truth[draft.ID])
}

// composeEnv returns, per compose service, its environment from
// docker-compose.yml with the service names mapped to the test's servers:
// the kit's database, Redis database and buckets, MinIO for both the
// server's and the browser's storage address, and the SMTP server for
// Mailpit. Everything else (the shared secret, mail without TLS, JSON
// logs, ...) is the compose file's.
func composeEnv(t *testing.T, k *testkit.Kit, smtp *testkit.SMTPServer, publicURL string) func(service string) []string {
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	c, err := testkit.LoadCompose("../../docker-compose.yml", map[string]string{
		"TRYOUT_SESSION_SECRET": hex.EncodeToString(secret), "TRYOUT_PUBLIC_URL": publicURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	kitEnv := map[string]string{}
	for _, kv := range k.Env() {
		name, v, _ := strings.Cut(kv, "=")
		kitEnv[name] = v
	}
	smtpHost, smtpPort, _ := net.SplitHostPort(smtp.Addr)
	hosts := map[string]string{"redis:6379": k.RedisAddr(), "minio:9000": kitEnv["TRYOUT_S3_ENDPOINT"],
		"127.0.0.1:9000": kitEnv["TRYOUT_S3_ENDPOINT"], "mailpit": smtpHost}
	return func(service string) []string {
		svc, ok := c.Services[service]
		if !ok {
			t.Fatalf("no %s service in docker-compose.yml", service)
		}
		env := map[string]string{}
		for name, v := range svc.Environment {
			if mapped, ok := hosts[v]; ok {
				v = mapped
			}
			env[name] = v
		}
		// The compose URI names a one-node MongoDB replica set; here the
		// database is the kit's (its own database and Redis database,
		// buckets and credentials, so tests never share data).
		for _, name := range []string{"TRYOUT_MONGO_URI", "TRYOUT_MONGO_DATABASE", "TRYOUT_REDIS_DB", "TRYOUT_S3_ACCESS_KEY",
			"TRYOUT_S3_SECRET_KEY", "TRYOUT_S3_BUCKET_ORIGINALS", "TRYOUT_S3_BUCKET_RENDITIONS"} {
			env[name] = kitEnv[name]
		}
		env["TRYOUT_SMTP_PORT"] = smtpPort
		env["TRYOUT_DATA_DIR"] = t.TempDir()
		env["TRYOUT_LOG_LEVEL"] = "warn"
		// A test's load comes from one address (no voter cap), and its milestone mail
		// must not wait for the end of quiet hours.
		for name, v := range map[string]string{"TRYOUT_VOTE_LIMIT_PER_IP": "1000000", "TRYOUT_VOTE_LIMIT_PER_NETWORK": "1000000",
			"TRYOUT_VOTE_CHALLENGE_PER_IP": "1000000", "TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP": "1000000", "TRYOUT_VOTE_VOTER_CAP_PER_IP": "0",
			"TRYOUT_MAIL_QUIET_FROM": "0", "TRYOUT_MAIL_QUIET_TO": "0", "TRYOUT_WORKER_CONCURRENCY": "1"} {
			env[name] = v
		}
		out := []string{"PATH=" + kitEnv["PATH"], "HOME=" + kitEnv["HOME"]}
		for name, v := range env {
			out = append(out, name+"="+v)
		}
		return out
	}
}

// busyWorker is the worker process whose task server is running the media
// task now (asynq's server records name their process ids).
func busyWorker(t *testing.T, k *testkit.Kit, workers []*testkit.Proc) *testkit.Proc {
	t.Helper()
	insp := asynq.NewInspectorFromRedisClient(k.Redis)
	for range 300 {
		servers, err := insp.Servers()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range servers {
			for _, w := range s.ActiveWorkers {
				if w.TaskType != "media:process" {
					continue
				}
				for _, p := range workers {
					if p.Cmd.Process.Pid == s.PID {
						return p
					}
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no worker process reports the media task as active")
	return nil
}

func containsAny(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// voteLoad sends up to n votes for entry from new voters, spread over the
// bases in turn (8 at a time); once half are acknowledged it calls mid
// (if any). It returns the voter ids of the acknowledged votes.
func voteLoad(t *testing.T, bases []string, entry, token string, n int, mid func()) []string {
	t.Helper()
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
		once  sync.Once
	)
	client := &http.Client{Timeout: 10 * time.Second}
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				req, _ := http.NewRequest("POST", bases[i%len(bases)]+"/api/entries/"+entry+"/votes", nil)
				req.Header.Set("X-Page-Token", token)
				res, err := client.Do(req)
				if err != nil {
					continue // the API died under it: not acknowledged
				}
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					continue
				}
				for _, ck := range res.Cookies() {
					if ck.Name == "tryout_device" {
						mu.Lock()
						acked = append(acked, "d:"+ck.Value)
						half := len(acked) >= n/2
						mu.Unlock()
						if half && mid != nil {
							once.Do(mid)
						}
					}
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if mid != nil {
		once.Do(mid)
	}
	return acked
}
