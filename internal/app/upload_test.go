package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/testkit"
)

// TestUploadToReview is the thin slice end to end: staff create a campaign,
// an entrant streams a video, it lands privately, the worker probes it and
// the entry reaches in_review with its media facts.
func TestUploadToReview(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	now := time.Now()
	c := e.createCampaign("summer-tricks", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 3, Width: 320, Height: 240, Audio: true}))
	fan := e.signIn("skater@example.com")

	var created map[string]any
	res := e.upload(fan, c.Slug, append(consents(),
		part{name: "title", content: "  My kickflip  "},
		part{name: "description", content: "First try!"},
		part{name: "file", filename: "../../etc/kickflip.mp4", content: video},
	), &created)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: status %d: %v", res.StatusCode, created)
	}
	id, _ := created["id"].(string)
	if created["status"] != "received" || created["title"] != "My kickflip" {
		t.Errorf("created entry = %s", fmtJSON(created))
	}

	ctx := context.Background()
	stored, err := e.app.Entries.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Original.Size != int64(len(video)) || stored.Original.Filename != "kickflip.mp4" || stored.Original.ContentType != "video/mp4" {
		t.Errorf("original = %+v, want %d bytes named kickflip.mp4", stored.Original, len(video))
	}
	keys, err := e.kit.Blobs.List(ctx, e.kit.Config.S3BucketOriginals, "")
	if err != nil || len(keys) != 1 || keys[0] != stored.Original.Key {
		t.Fatalf("originals bucket holds %v (err %v), want exactly %s", keys, err, stored.Original.Key)
	}

	thanks := e.smtp.WaitFor(t, "skater@example.com", "Thanks for your entry")
	if !strings.Contains(thanks.Body, "My kickflip") || !strings.Contains(thanks.Body, e.kit.Config.PublicURL+"/me") {
		t.Errorf("thank-you message body: %s", thanks.Body)
	}
	got := e.waitStatus(fan, id, "in_review")
	media, _ := got["media"].(map[string]any)
	if media["width"] != float64(320) || media["height"] != float64(240) || media["video_codec"] != "h264" || media["audio_codec"] != "aac" {
		t.Errorf("media = %v", media)
	}
	if d, _ := media["duration_seconds"].(float64); d < 2.9 || d > 3.2 {
		t.Errorf("duration = %v, want about 3", d)
	}
	var seen []string
	for _, h := range got["history"].([]any) {
		seen = append(seen, h.(map[string]any)["status"].(string))
	}
	if strings.Join(seen, ",") != "received,processing,in_review" {
		t.Errorf("history = %v", seen)
	}
	if got["progress"] != float64(100) || got["stage"] != "done" {
		t.Errorf("progress %v stage %v", got["progress"], got["stage"])
	}
	body := fmtJSON(got)
	for _, private := range []string{stored.Original.Key, "original", e.kit.Config.S3BucketOriginals} {
		if strings.Contains(body, private) {
			t.Errorf("public entry JSON exposes %q: %s", private, body)
		}
	}
}

// TestUploadRefusals sends each bad input and checks the error code, the
// status, and that nothing was left behind.
func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fan := e.signIn("fan@example.com")
	now := time.Now()
	open := e.createCampaign("open-now", now.Add(-time.Hour), now.Add(time.Hour), 1<<20, 60)
	closed := e.createCampaign("closed-already", now.Add(-2*time.Hour), now.Add(-time.Hour), 1<<20, 60)
	future := e.createCampaign("opens-later", now.Add(time.Hour), now.Add(2*time.Hour), 1<<20, 60)
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 160, Height: 120}))
	// Looks like an MP4 for its first bytes, then runs past the 1 MiB limit.
	oversized := video[:64] + randomBytes(3<<20)

	tests := []struct {
		name       string
		slug       string
		parts      []part
		wantStatus int
		wantCode   string
	}{
		{"unknown campaign", "no-such-campaign", []part{{name: "title", content: "x"}, {name: "file", filename: "a.mp4", content: video}}, 404, "campaign_not_found"},
		{"window closed", closed.Slug, []part{{name: "title", content: "x"}, {name: "file", filename: "a.mp4", content: video}}, 403, "entry_window_closed"},
		{"window not open yet", future.Slug, []part{{name: "title", content: "x"}, {name: "file", filename: "a.mp4", content: video}}, 403, "entry_window_closed"},
		{"missing file", open.Slug, []part{{name: "title", content: "x"}}, 400, "missing_file"},
		{"missing title", open.Slug, []part{{name: "file", filename: "a.mp4", content: video}}, 400, "invalid_entry"},
		{"title after file", open.Slug, []part{{name: "file", filename: "a.mp4", content: video}, {name: "title", content: "late"}}, 400, "invalid_entry"},
		{"over the limit", open.Slug, []part{{name: "title", content: "x"}, {name: "file", filename: "big.mp4", content: oversized}}, 413, "file_too_large"},
		{"not a video", open.Slug, []part{{name: "title", content: "x"}, {name: "file", filename: "notes.mp4", content: "hello, this is a text file pretending to be a video, long enough to sniff"}}, 415, "not_a_video"},
		{"random bytes", open.Slug, []part{{name: "title", content: "x"}, {name: "file", filename: "r.mp4", content: randomBytes(4096)}}, 415, "not_a_video"},
		{"empty file", open.Slug, []part{{name: "title", content: "x"}, {name: "file", filename: "empty.mp4", content: ""}}, 400, "empty_file"},
		{"field too long", open.Slug, []part{{name: "title", content: strings.Repeat("t", 9000)}, {name: "file", filename: "a.mp4", content: video}}, 400, "field_too_long"},
		{"rules not accepted", open.Slug, []part{{name: "media_release", content: "yes"}, {name: "title", content: "x"}, {name: "file", filename: "a.mp4", content: video}}, 400, "consent_required"},
		{"old rules version", open.Slug, []part{{name: "accept_rules", content: "0"}, {name: "media_release", content: "yes"}, {name: "title", content: "x"}, {name: "file", filename: "a.mp4", content: video}}, 400, "consent_required"},
		{"no media release", open.Slug, []part{{name: "accept_rules", content: "1"}, {name: "title", content: "x"}, {name: "file", filename: "a.mp4", content: video}}, 400, "consent_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out apiError
			parts := tt.parts
			if tt.wantCode != "consent_required" {
				parts = append(consents(), parts...)
			}
			res := e.upload(fan, tt.slug, parts, &out)
			if res.StatusCode != tt.wantStatus || out.Error.Code != tt.wantCode {
				t.Errorf("got %d %q (%s), want %d %q", res.StatusCode, out.Error.Code, out.Error.Message, tt.wantStatus, tt.wantCode)
			}
			if out.Error.Message == "" {
				t.Error("error has no message")
			}
			e.assertNothingStored(open)
			e.assertNothingStored(closed)
		})
	}

	t.Run("not multipart", func(t *testing.T) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/campaigns/open-now/entries", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		var out apiError
		if res := e.doWith(fan, req, &out); res.StatusCode != 400 || out.Error.Code != "invalid_request" {
			t.Errorf("got %d %q", res.StatusCode, out.Error.Code)
		}
	})
	t.Run("no slot leaked by the refusals", func(t *testing.T) {
		// The campaign allows one entry; every refusal above must have
		// given its slot back, so a good upload still gets in.
		var created map[string]any
		res := e.upload(fan, open.Slug, append(consents(), part{name: "title", content: "finally"}, part{name: "file", filename: "a.mp4", content: video}), &created)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("good upload after the refusals: %d %v", res.StatusCode, created)
		}
		var out apiError
		res = e.upload(fan, open.Slug, append(consents(), part{name: "title", content: "again"}, part{name: "file", filename: "a.mp4", content: video}), &out)
		if res.StatusCode != http.StatusConflict || out.Error.Code != "too_many_entries" {
			t.Errorf("second entry: %d %q", res.StatusCode, out.Error.Code)
		}
	})
	t.Run("signed out", func(t *testing.T) {
		var out apiError
		res := e.upload(http.DefaultClient, open.Slug, append(consents(), part{name: "title", content: "x"}, part{name: "file", filename: "a.mp4", content: video}), &out)
		if res.StatusCode != 401 || out.Error.Code != "sign_in_required" {
			t.Errorf("got %d %q", res.StatusCode, out.Error.Code)
		}
	})
}

// TestUploadQueueDownLeavesNothing: when the task cannot be queued, the
// entry and its object are undone and the entrant is told to retry.
func TestUploadQueueDownLeavesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fan := e.signIn("fan@example.com")
	now := time.Now()
	c := e.createCampaign("queue-down", now.Add(-time.Hour), now.Add(time.Hour), 10<<20, 60)
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 160, Height: 120}))
	// Fill the task's id slot with a different kind of key so asynq's enqueue fails.
	if err := e.kit.Redis.Set(context.Background(), "asynq:queues", "not-a-set", 0).Err(); err != nil {
		t.Fatal(err)
	}
	var out apiError
	res := e.upload(fan, c.Slug, append(consents(), part{name: "title", content: "x"}, part{name: "file", filename: "a.mp4", content: video}), &out)
	if res.StatusCode != http.StatusServiceUnavailable || out.Error.Code != "unavailable" {
		t.Fatalf("got %d %q, want 503 unavailable", res.StatusCode, out.Error.Code)
	}
	e.assertNothingStored(c)
}

func TestGetEntryNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, id := range []string{"en_aaaaaaaaaaaaaaaaaaaaaaaaaa", "junk", "en_%24where"} {
		var out apiError
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/entries/"+id, nil)
		if res := e.do(req, &out); res.StatusCode != 404 || out.Error.Code != "entry_not_found" {
			t.Errorf("%s: got %d %q", id, res.StatusCode, out.Error.Code)
		}
	}
}
