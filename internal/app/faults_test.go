package app_test

import (
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/testkit"
)

// countingBody is a large video upload made up as it is read: a real
// clip's first bytes, then zeros. It counts what the server took.
type countingBody struct {
	head []byte
	left int64
	read atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), b.left))
	off := b.read.Load()
	for i := range n {
		if off+int64(i) < int64(len(b.head)) {
			p[i] = b.head[off+int64(i)]
		} else {
			p[i] = 0
		}
	}
	b.left -= int64(n)
	b.read.Add(int64(n))
	return n, nil
}

// streamUpload sends the single-request upload with body as the file, as
// a stream, and reports the answer and how many file bytes the server read.
func streamUpload(t *testing.T, c *http.Client, base, slug string, body *countingBody) (*http.Response, apiError) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, p := range append(consents(), part{name: "title", content: "Big one"}) {
			w, _ := mw.CreateFormField(p.name)
			io.WriteString(w, p.content)
		}
		w, _ := mw.CreateFormFile("file", "big.mp4")
		_, err := io.Copy(w, body)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", base+"/api/campaigns/"+slug+"/entries", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out apiError
	decodeJSON(t, res, &out)
	return res, out
}

// TestUploadsWhenStorageOrDatabaseFail: with storage unreachable, or
// failing in the middle of a streamed upload, or with the database down,
// both upload paths answer 503 unavailable with a Retry-After hint; the
// streamed upload stops reading the body once storage fails; nothing is
// left behind, and a draft saved before is kept.
func TestUploadsWhenStorageOrDatabaseFail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("faults", now.Add(-time.Hour), now.Add(time.Hour), 4<<30, 600)
	fan := e.signIn("faults@example.com")
	head := []byte(readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 160, Height: 120})))[:4096]
	proxy := testkit.StartProxy(t, e.kit.Config.S3Endpoint, 0)
	slow, err := blob.New(blob.Options{Endpoint: proxy.Addr, AccessKey: e.kit.Config.S3AccessKey, SecretKey: e.kit.Config.S3SecretKey.Reveal(),
		Region: e.kit.Config.S3Region, PartSize: 5 << 20, StreamThreads: 2})
	if err != nil {
		t.Fatal(err)
	}
	viaProxy := e.serverWith(app.Clients{Mongo: e.kit.Mongo, DB: e.kit.DB, Redis: e.kit.Redis, Blobs: slow})
	unavailable := func(what string, res *http.Response, out apiError) {
		t.Helper()
		if res.StatusCode != 503 || out.Error.Code != "unavailable" || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d %q Retry-After %q, want 503 unavailable with a retry hint", what, res.StatusCode, out.Error.Code, res.Header.Get("Retry-After"))
		}
	}

	t.Run("storage fails mid-stream", func(t *testing.T) {
		body := &countingBody{head: head, left: 1 << 30}
		go func() { // cut storage once some parts are through
			for proxy.Uploaded() < 12<<20 && body.left > 0 {
				time.Sleep(10 * time.Millisecond)
			}
			proxy.Outage(2 * time.Minute)
		}()
		res, out := streamUpload(t, fan, viaProxy, c.Slug, body)
		unavailable("streamed upload, storage cut", res, out)
		if got := body.read.Load(); got > 200<<20 {
			t.Errorf("the server read %d MB of a 1 GB body after storage failed; it should stop", got>>20)
		}
		t.Logf("storage cut after %d MB sent to it; the server read %d MB of the body", proxy.Uploaded()>>20, body.read.Load()>>20)
	})
	t.Run("storage down from the start", func(t *testing.T) {
		body := &countingBody{head: head, left: 1 << 30}
		res, out := streamUpload(t, fan, viaProxy, c.Slug, body)
		unavailable("streamed upload, storage down", res, out)
		if got := body.read.Load(); got > 16<<20 {
			t.Errorf("the server read %d MB with storage down; it should read no more than the first bytes", got>>20)
		}
		// Nothing is left behind but the parts storage could not be told
		// to drop while it was away: the cleanup job aborts those.
		job := e.app.Cleanup()
		job.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
		if _, err := job.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.assertNothingStored(c)

		id := e.draft(fan, c.Slug, "Typed before the outage")
		var o apiError
		r := e.doWith(fan, e.jsonReqTo(viaProxy, "POST", "/api/entries/"+id+"/uploads", map[string]any{"size": 10 << 20, "filename": "a.mp4"}), &o)
		unavailable("resumable upload start, storage down", r, o)
		var entry map[string]any
		e.doWith(fan, e.jsonReq("GET", "/api/entries/"+id, nil), &entry)
		if entry["status"] != "draft" || entry["title"] != "Typed before the outage" {
			t.Errorf("the draft after a refused start: %v", entry)
		}
	})

	t.Run("database down", func(t *testing.T) {
		dead, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1/").SetServerSelectionTimeout(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer dead.Disconnect(context.Background())
		noDB := e.serverWith(app.Clients{Mongo: dead, DB: dead.Database("x"), Redis: e.kit.Redis, Blobs: e.kit.Blobs})
		var o apiError
		r := e.doWith(fan, e.jsonReqTo(noDB, "POST", "/api/campaigns/"+c.Slug+"/drafts", map[string]any{
			"title": "t", "accept_rules": "1", "media_release": true}), &o)
		unavailable("draft, database down", r, o)
		body := &countingBody{head: head, left: 64 << 20}
		res, out := streamUpload(t, fan, noDB, c.Slug, body)
		unavailable("streamed upload, database down", res, out)
	})
}

// serverWith serves the app built on other clients (one of them broken)
// with the test's configuration; it returns the base URL.
func (e *env) serverWith(cl app.Clients) string {
	e.t.Helper()
	a, err := app.New(context.Background(), e.kit.Config, e.kit.Log, cl)
	if err != nil {
		e.t.Fatal(err)
	}
	a.Start(context.Background())
	e.t.Cleanup(func() { a.Close(context.Background()) })
	h, err := a.Handler()
	if err != nil {
		e.t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	e.t.Cleanup(srv.Close)
	return srv.URL
}

// jsonReqTo is jsonReq against another server of the same app.
func (e *env) jsonReqTo(base, method, path string, body any) *http.Request {
	req := e.jsonReq(method, path, body)
	u, _ := url.Parse(base + path)
	req.URL, req.Host = u, u.Host
	return req
}

func decodeJSON(t *testing.T, res *http.Response, out any) {
	t.Helper()
	b, _ := io.ReadAll(res.Body)
	if len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%d, body not JSON: %s", res.StatusCode, b)
		}
	}
}
