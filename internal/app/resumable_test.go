package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/testkit"
)

type ticket struct {
	Entry    map[string]any `json:"entry"`
	Size     int64          `json:"size"`
	PartSize int64          `json:"part_size"`
	Parts    int            `json:"parts"`
	Received []struct {
		Number int   `json:"number"`
		Size   int64 `json:"size"`
	} `json:"received"`
	Missing []struct {
		Number int    `json:"number"`
		URL    string `json:"url"`
	} `json:"missing"`
}

// draft creates a draft entry for the signed-in client.
func (e *env) draft(c *http.Client, slug, title string) string {
	e.t.Helper()
	var out map[string]any
	res := e.doWith(c, e.jsonReq("POST", "/api/campaigns/"+slug+"/drafts", map[string]any{
		"title": title, "description": "typed before any upload", "accept_rules": "1", "media_release": true,
	}), &out)
	if res.StatusCode != http.StatusCreated || out["status"] != "draft" {
		e.t.Fatalf("draft: %d %v", res.StatusCode, out)
	}
	return out["id"].(string)
}

// putPart uploads one part straight to storage with its presigned URL, as
// the browser does, and counts the request.
func putPart(t *testing.T, url string, body []byte, count *atomic.Int32) int {
	t.Helper()
	req, _ := http.NewRequest("PUT", url, bytes.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if count != nil {
		count.Add(1)
	}
	return res.StatusCode
}

func slice(data []byte, tk ticket, n int) []byte {
	start := int64(n-1) * tk.PartSize
	return data[start:min(start+tk.PartSize, int64(len(data)))]
}

// videoOfSize is a real MP4 padded with random bytes to size (the container
// check reads only the first bytes; the worker is not run here).
func videoOfSize(t *testing.T, size int) []byte {
	head := []byte(readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 160, Height: 120})))
	pad := make([]byte, size-len(head))
	_, _ = rand.Read(pad)
	return append(head, pad...)
}

// TestResumableUploadSendsOnlyMissingParts: an upload is cut off halfway,
// the browser asks what arrived, sends only the rest, and completes.
func TestResumableUploadSendsOnlyMissingParts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("resume", now.Add(-time.Hour), now.Add(time.Hour), 100<<20, 60)
	fan := e.signIn("fan@example.com")
	id := e.draft(fan, c.Slug, "Resumed")
	data := videoOfSize(t, 13<<20) // 5 + 5 + 3 MiB

	var tk ticket
	res := e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads", map[string]any{"size": len(data), "filename": "clip.mp4", "content_type": "video/mp4"}), &tk)
	if res.StatusCode != http.StatusCreated || tk.Parts != 3 || len(tk.Missing) != 3 || tk.Entry["status"] != "uploading" {
		t.Fatalf("start: %d %+v", res.StatusCode, tk)
	}
	var puts atomic.Int32
	// Parts 1 and 3 arrive; then the connection drops.
	for _, n := range []int{1, 3} {
		if st := putPart(t, tk.Missing[n-1].URL, slice(data, tk, n), &puts); st != 200 {
			t.Fatalf("part %d: %d", n, st)
		}
	}
	// Completing now is refused: part 2 is missing.
	var out apiError
	res = e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads/current/complete", nil), &out)
	if res.StatusCode != http.StatusConflict || out.Error.Code != "upload_incomplete" {
		t.Fatalf("early complete: %d %q", res.StatusCode, out.Error.Code)
	}
	// The page is reopened: it asks what arrived.
	var again ticket
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/entries/"+id+"/uploads/current", nil)
	e.doWith(fan, req, &again)
	if len(again.Received) != 2 || len(again.Missing) != 1 || again.Missing[0].Number != 2 {
		t.Fatalf("status after drop: %+v", again)
	}
	if st := putPart(t, again.Missing[0].URL, slice(data, tk, 2), &puts); st != 200 {
		t.Fatalf("part 2: %d", st)
	}
	var done map[string]any
	res = e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads/current/complete", nil), &done)
	if res.StatusCode != 200 || done["status"] != "received" || done["title"] != "Resumed" {
		t.Fatalf("complete: %d %v", res.StatusCode, done)
	}
	if puts.Load() != 3 {
		t.Errorf("%d part uploads for 3 parts: resume re-sent data", puts.Load())
	}
	// The stored object is byte for byte the file.
	ctx := context.Background()
	stored, _ := e.app.Entries.Get(ctx, id)
	path := t.TempDir() + "/got"
	if err := e.kit.Blobs.Download(ctx, e.kit.Config.S3BucketOriginals, stored.Original.Key, path); err != nil {
		t.Fatal(err)
	}
	got := []byte(readFile(t, path))
	if sha256.Sum256(got) != sha256.Sum256(data) {
		t.Error("stored object differs from the uploaded file")
	}
	if n, _ := e.kit.Blobs.PendingUploads(ctx, e.kit.Config.S3BucketOriginals, ""); n != 0 {
		t.Errorf("%d unfinished uploads left", n)
	}
	// A retried completion (the answer was lost) is harmless.
	res = e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads/current/complete", nil), &done)
	if res.StatusCode != 200 || done["status"] != "received" {
		t.Errorf("retried complete: %d %v", res.StatusCode, done)
	}
}

func TestPartURLCannotBeReused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("reuse", now.Add(-time.Hour), now.Add(time.Hour), 100<<20, 60, map[string]any{"max_entries_per_entrant": 2})
	fan := e.signIn("fan@example.com")
	a, b := e.draft(fan, c.Slug, "A"), e.draft(fan, c.Slug, "B")
	var ta, tb ticket
	e.doWith(fan, e.jsonReq("POST", "/api/entries/"+a+"/uploads", map[string]any{"size": 1 << 20}), &ta)
	e.doWith(fan, e.jsonReq("POST", "/api/entries/"+b+"/uploads", map[string]any{"size": 1 << 20}), &tb)
	idA := uploadIDOf(ta.Missing[0].URL)
	idB := uploadIDOf(tb.Missing[0].URL)
	forged := strings.Replace(ta.Missing[0].URL, idA, idB, 1)
	if st := putPart(t, forged, make([]byte, 1<<20), nil); st != http.StatusForbidden {
		t.Errorf("A's part URL pointed at B's upload: %d, want 403", st)
	}
	// Restarting A with another file abandons the old upload: its URLs die.
	old := ta.Missing[0].URL
	e.doWith(fan, e.jsonReq("POST", "/api/entries/"+a+"/uploads", map[string]any{"size": 2 << 20}), &ta)
	if st := putPart(t, old, make([]byte, 1<<20), nil); st != http.StatusNotFound {
		t.Errorf("URL of a replaced upload: %d, want 404", st)
	}
	// Someone else's entry does not exist for you.
	other := e.signIn("other@example.com")
	var out apiError
	res := e.doWith(other, e.jsonReq("POST", "/api/entries/"+a+"/uploads", map[string]any{"size": 1 << 20}), &out)
	if res.StatusCode != 404 || out.Error.Code != "entry_not_found" {
		t.Errorf("another entrant's entry: %d %q", res.StatusCode, out.Error.Code)
	}
}

func uploadIDOf(u string) string {
	_, after, _ := strings.Cut(u, "uploadId=")
	id, _, _ := strings.Cut(after, "&")
	return id
}

// TestCompletedUploadIsChecked: a file that is not a video is refused after
// assembly, deleted, and the entry returns to draft with its details.
func TestCompletedUploadIsChecked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("checked", now.Add(-time.Hour), now.Add(time.Hour), 10<<20, 60)
	fan := e.signIn("fan@example.com")
	id := e.draft(fan, c.Slug, "Keep my title")
	notVideo := bytes.Repeat([]byte("this is a spreadsheet, honest. "), 40000) // ~1.2 MB
	var tk ticket
	e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads", map[string]any{"size": len(notVideo)}), &tk)
	putPart(t, tk.Missing[0].URL, notVideo, nil)
	var out apiError
	res := e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads/current/complete", nil), &out)
	if res.StatusCode != 415 || out.Error.Code != "not_a_video" {
		t.Fatalf("complete: %d %q", res.StatusCode, out.Error.Code)
	}
	got, _ := e.app.Entries.Get(context.Background(), id)
	if got.Status != entries.Draft || got.Title != "Keep my title" || got.Upload != nil || !strings.Contains(got.StatusReason, "not a video") {
		t.Errorf("after refusal: %s %q upload=%v reason=%q", got.Status, got.Title, got.Upload, got.StatusReason)
	}
	keys, _ := e.kit.Blobs.List(context.Background(), e.kit.Config.S3BucketOriginals, "")
	if len(keys) != 0 {
		t.Errorf("refused object kept: %v", keys)
	}
	// Declared too large: refused before anything is stored.
	res = e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads", map[string]any{"size": 11 << 20}), &out)
	if res.StatusCode != 413 || out.Error.Code != "file_too_large" {
		t.Errorf("oversized start: %d %q", res.StatusCode, out.Error.Code)
	}
	res = e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads", map[string]any{"size": 0}), &out)
	if res.StatusCode != 400 || out.Error.Code != "invalid_size" {
		t.Errorf("zero size: %d %q", res.StatusCode, out.Error.Code)
	}
}

// TestLimitLoweredDuringUpload: the campaign's limit drops while an upload
// is under way; completion checks the real object against the limit now.
func TestLimitLoweredDuringUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("shrinking", now.Add(-time.Hour), now.Add(time.Hour), 10<<20, 60)
	fan := e.signIn("fan@example.com")
	id := e.draft(fan, c.Slug, "Big one")
	data := videoOfSize(t, 3<<20)
	var tk ticket
	e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads", map[string]any{"size": len(data)}), &tk)
	putPart(t, tk.Missing[0].URL, data, nil)
	ctx := context.Background()
	if _, err := e.kit.DB.Collection("campaigns").UpdateOne(ctx, bson.D{{Key: "_id", Value: c.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "max_file_bytes", Value: int64(2 << 20)}}}}); err != nil {
		t.Fatal(err)
	}
	var out apiError
	res := e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads/current/complete", nil), &out)
	if res.StatusCode != 413 || out.Error.Code != "file_too_large" {
		t.Fatalf("complete over the new limit: %d %q", res.StatusCode, out.Error.Code)
	}
	got, _ := e.app.Entries.Get(ctx, id)
	if got.Status != entries.Draft || got.Title != "Big one" || !strings.Contains(got.StatusReason, "larger") {
		t.Errorf("entry: %s %q %q", got.Status, got.Title, got.StatusReason)
	}
	if keys, _ := e.kit.Blobs.List(ctx, e.kit.Config.S3BucketOriginals, ""); len(keys) != 0 {
		t.Errorf("oversized object kept: %v", keys)
	}
}
