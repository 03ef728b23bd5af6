package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tryout/tryout/internal/blob"
)

const uploadSize = 1 << 30

// benchUpload streams a 1 GiB file through the public upload API of a real
// `tryout dev` process and compares its throughput with minio-go PutObject
// of the same file straight to the same MinIO. It also samples the API
// process's resident memory during the upload.
func benchUpload(ctx context.Context) error {
	redisAddr, s3 := os.Getenv("TRYOUT_TEST_REDIS_ADDR"), os.Getenv("TRYOUT_TEST_S3_ENDPOINT")
	if redisAddr == "" || s3 == "" {
		return errors.New("run through scripts/bench.sh (make bench), which starts Redis and MinIO")
	}
	work, err := os.MkdirTemp("", "tryout-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	file := filepath.Join(work, "big.mp4")
	if err := makeVideo(file, uploadSize); err != nil {
		return err
	}

	// Baseline: the storage client alone, same file, same server.
	store, err := blob.New(blob.Options{Endpoint: s3, AccessKey: "minioadmin", SecretKey: "minioadmin", Region: "us-east-1"})
	if err != nil {
		return err
	}
	if err := store.EnsureBucket(ctx, "bench-baseline"); err != nil {
		return err
	}
	defer store.RemoveBucket(context.Background(), "bench-baseline")
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := store.Put(ctx, "bench-baseline", "big.mp4", f, uploadSize, "video/mp4"); err != nil {
		f.Close()
		return err
	}
	baseSecs := time.Since(start).Seconds()
	f.Close()
	baseline := float64(uploadSize) / 1e6 / baseSecs

	// The product: tryout dev as its own process.
	srv, err := startDev(ctx, work, redisAddr, s3)
	if err != nil {
		return err
	}
	defer srv.stop()
	client, err := srv.signedIn(ctx)
	if err != nil {
		return err
	}
	before, err := rssKiB(srv.cmd.Process.Pid)
	if err != nil {
		return err
	}
	var peak atomic.Int64
	peak.Store(before)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
				if v, err := rssKiB(srv.cmd.Process.Pid); err == nil && v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	start = time.Now()
	err = srv.streamUpload(ctx, client, file)
	secs := time.Since(start).Seconds()
	close(done)
	if err != nil {
		return err
	}
	got := float64(uploadSize) / 1e6 / secs
	growth := float64(peak.Load()-before) / 1024
	bench("upload_api_mbps", got, "MB/s", baseline,
		fmt.Sprintf("rss_growth_mib=%.1f", growth), "rss_goal_mib=64", "size_mib=1024")
	return nil
}

// makeVideo writes a real MP4 header followed by random bytes to size.
func makeVideo(path string, size int64) error {
	head := filepath.Join(filepath.Dir(path), "head.mp4")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
		"-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", head).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ffmpeg: %v: %s", err, out)
	}
	h, err := os.ReadFile(head)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(h); err != nil {
		return err
	}
	_, err = io.CopyN(f, rand.Reader, size-int64(len(h)))
	return err
}

// rssKiB reads a process's resident set size.
func rssKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

type devServer struct {
	cmd  *exec.Cmd
	base string
	env  []string
	bin  string
}

func startDev(ctx context.Context, work, redisAddr, s3 string) (*devServer, error) {
	bin := filepath.Join(work, "tryout")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/tryout").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build: %v: %s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	env := append(os.Environ(),
		"TRYOUT_HTTP_ADDR="+addr, "TRYOUT_PUBLIC_URL=http://"+addr, "TRYOUT_DATA_DIR="+filepath.Join(work, "data"),
		"TRYOUT_REDIS_ADDR="+redisAddr, "TRYOUT_REDIS_DB=3", "TRYOUT_S3_ENDPOINT="+s3, "TRYOUT_LOG_LEVEL=warn",
		"TRYOUT_S3_BUCKET_ORIGINALS=bench-originals", "TRYOUT_S3_BUCKET_RENDITIONS=bench-renditions")
	for k, v := range databaseEnv("u") {
		env = append(env, k+"="+v)
	}
	d := &devServer{base: "http://" + addr, env: env, bin: bin}
	admin := exec.CommandContext(ctx, bin, "admin", "create-user", "--email", "bench@example.com", "--role", "owner", "--password", "bench password 123")
	admin.Env = env
	if out, err := admin.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("create user: %v: %s", err, out)
	}
	d.cmd = exec.Command(bin, "dev")
	d.cmd.Env = env
	d.cmd.Stderr = os.Stderr
	if err := d.cmd.Start(); err != nil {
		return nil, err
	}
	for i := 0; i < 300; i++ {
		if res, err := http.Get(d.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return d, d.campaign()
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	d.stop()
	return nil, errors.New("tryout dev did not become ready")
}

func (d *devServer) stop() {
	if d.cmd != nil && d.cmd.Process != nil {
		_ = d.cmd.Process.Signal(os.Interrupt)
		waited := make(chan struct{})
		go func() { _ = d.cmd.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(30 * time.Second):
			_ = d.cmd.Process.Kill()
		}
	}
}

func (d *devServer) campaign() error {
	body, _ := json.Marshal(map[string]any{"slug": "bench", "name": "Bench", "entry_opens_at": time.Now().Add(-time.Hour),
		"entry_closes_at": time.Now().Add(time.Hour), "max_file_bytes": 2 << 30, "max_duration_seconds": 3600})
	req, _ := http.NewRequest("POST", d.base+"/admin/api/campaigns", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("bench@example.com", "bench password 123")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		return fmt.Errorf("create campaign: %d", res.StatusCode)
	}
	return nil
}

// signedIn asks for a link, reads it from the staff outbox (no SMTP here),
// and redeems it.
func (d *devServer) signedIn(ctx context.Context) (*http.Client, error) {
	res, err := http.Post(d.base+"/api/auth/link", "application/json", strings.NewReader(`{"email":"bench-fan@example.com"}`))
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	req, _ := http.NewRequestWithContext(ctx, "GET", d.base+"/admin/api/outbox", nil)
	req.SetBasicAuth("bench@example.com", "bench password 123")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out struct{ Messages []struct{ Link string } }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Messages) == 0 {
		return nil, fmt.Errorf("no sign-in link in the outbox: %v", err)
	}
	u, _ := url.Parse(out.Messages[0].Link)
	jar, _ := cookiejar.New(nil)
	// Large socket writes, as curl makes, so the load tool is not the bottleneck.
	c := &http.Client{Jar: jar, Transport: &http.Transport{WriteBufferSize: 1 << 20, ReadBufferSize: 64 << 10}}
	res, err = c.PostForm(d.base+"/auth/callback", url.Values{"token": {u.Query().Get("token")}})
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	return c, nil
}

// streamUpload sends the file as one multipart request the way curl -F
// does: fields, then the file read straight from disk, with a known length.
func (d *devServer) streamUpload(ctx context.Context, c *http.Client, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for _, kv := range [][2]string{{"title", "Bench"}, {"accept_rules", "1"}, {"media_release", "yes"}} {
		_ = mw.WriteField(kv[0], kv[1])
	}
	if _, err := mw.CreateFormFile("file", "big.mp4"); err != nil {
		return err
	}
	headLen := head.Len()
	_ = mw.Close()
	tail := append([]byte(nil), head.Bytes()[headLen:]...)
	head.Truncate(headLen)
	body := io.MultiReader(bytes.NewReader(head.Bytes()), f, bytes.NewReader(tail))
	req, _ := http.NewRequestWithContext(ctx, "POST", d.base+"/api/campaigns/bench/entries", body)
	req.ContentLength = int64(head.Len()) + st.Size() + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode != 201 {
		return fmt.Errorf("upload: %d %s", res.StatusCode, answer)
	}
	return nil
}
