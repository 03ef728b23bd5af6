package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/screening"
)

// setCampaign changes screening settings on the fixture's campaign.
func (f *fixture) setCampaign(t *testing.T, fields bson.D) {
	t.Helper()
	if _, err := f.kit.DB.Collection(mongodb.Campaigns).UpdateOne(context.Background(),
		bson.D{{Key: "_id", Value: f.campaign.ID}}, bson.D{{Key: "$set", Value: fields}}); err != nil {
		t.Fatal(err)
	}
}

func clip(t *testing.T, lavfi string, seconds string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "c.mp4")
	b, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", lavfi, "-f", "lavfi", "-i", "sine=frequency=330",
		"-t", seconds, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", out).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	data, _ := os.ReadFile(out)
	return data
}

func TestScreeningDecides(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	f.setCampaign(t, bson.D{{Key: "moderation_mode", Value: "auto_approve_clean"}, {Key: "min_duration_s", Value: 3},
		{Key: "blocked_words", Value: bson.A{"scam"}}})
	good := clip(t, "testsrc2=size=320x240:rate=25", "5")

	// A clean clip goes live on its own in auto_approve_clean, and says so.
	first := f.received(t, good)
	if err := f.run(t, first); err != nil {
		t.Fatal(err)
	}
	got := f.get(t, first.ID)
	if got.Status != entries.Live || len(got.Findings) != 0 || len(got.Fingerprint.Data) < 100 || got.Fingerprint.FileHash == "" || !got.Automatic() {
		t.Fatalf("clean clip: %s findings %+v fingerprint %d bytes, automatic %v", got.Status, got.Findings, len(got.Fingerprint.Data), got.Automatic())
	}

	// The very same file again is refused as an exact copy, automatically
	// and saying so, and may be appealed.
	second := f.received(t, good)
	if err := f.run(t, second); err != nil {
		t.Fatal(err)
	}
	got = f.get(t, second.ID)
	last, _ := got.Last()
	if got.Status != entries.Rejected || !strings.Contains(got.StatusReason, "exactly the same") || !last.Auto || last.Code != entries.CodeDuplicate ||
		len(got.Findings) != 1 || got.Findings[0].Kind != screening.Duplicate || got.Findings[0].Other != first.ID || got.CheckAppeal() != nil {
		t.Errorf("exact copy: %s %q %+v findings %+v", got.Status, got.StatusReason, last, got.Findings)
	}

	// A re-encode at another size is only similar: a person decides, with
	// the evidence, even in a mode that approves everything.
	f.setCampaign(t, bson.D{{Key: "moderation_mode", Value: "auto_approve_all"}})
	smaller := f.received(t, clip(t, "testsrc2=size=480x360:rate=25,scale=240:180", "5"))
	if err := f.run(t, smaller); err != nil {
		t.Fatal(err)
	}
	got = f.get(t, smaller.ID)
	if got.Status != entries.InReview || len(got.Findings) == 0 {
		t.Fatalf("re-encode: %s %+v", got.Status, got.Findings)
	}
	sim := got.Findings[len(got.Findings)-1]
	if sim.Kind != screening.Similar || sim.Other != first.ID || sim.Value < screening.SimilarScore || sim.End-sim.Start < 4 || sim.OtherEnd-sim.OtherStart < 4 ||
		!strings.Contains(sim.Detail, "0:00-0:05 here matches 0:00-0:05 there") {
		t.Errorf("similar finding: %+v", sim)
	}

	// A black video is refused.
	f.setCampaign(t, bson.D{{Key: "moderation_mode", Value: "review_all"}})
	black := f.received(t, clip(t, "color=black:size=320x240:rate=25", "5"))
	if err := f.run(t, black); err != nil {
		t.Fatal(err)
	}
	if got := f.get(t, black.ID); got.Status != entries.Rejected || !strings.Contains(got.StatusReason, "black") || !got.Automatic() {
		t.Errorf("black video: %s %q", got.Status, got.StatusReason)
	}

	// Blocked words: flagged for a person, with evidence.
	worded := f.received(t, clip(t, "mandelbrot=size=320x240:rate=25", "4"))
	title := "Free $c@m inside"
	if _, err := f.kit.DB.Collection(mongodb.Entries).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: worded.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "title", Value: title}}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.run(t, worded); err != nil {
		t.Fatal(err)
	}
	got = f.get(t, worded.ID)
	if got.Status != entries.InReview || len(got.Findings) != 1 || got.Findings[0].Kind != screening.Words {
		t.Errorf("flagged clip: %s %+v", got.Status, got.Findings)
	}
}

// Under the campaign's minimum length is refused with the reason in every
// moderation mode (it used to be only a flag, so auto-approval would have
// put a 0.4 s clip live); the reason is not "could not process".
func TestTooShortIsRefusedInEveryMode(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	for _, mode := range []string{"review_all", "auto_approve_clean", "auto_approve_all"} {
		f.setCampaign(t, bson.D{{Key: "moderation_mode", Value: mode}, {Key: "min_duration_s", Value: 3}})
		e := f.received(t, clip(t, "smptebars=size=320x240:rate=25", "0.4"))
		if err := f.run(t, e); err == nil {
			t.Errorf("%s: no error for a hopeless video", mode)
		}
		got := f.get(t, e.ID)
		last, _ := got.Last()
		meaning, _ := got.Explain()
		if got.Status != entries.Failed || last.Code != entries.CodeTooShort || !last.Auto ||
			!strings.Contains(got.StatusReason, "0.4 seconds long") || !strings.Contains(got.StatusReason, "at least 3 seconds") ||
			strings.Contains(meaning, "could not process") {
			t.Errorf("%s: %s %q %+v %q", mode, got.Status, got.StatusReason, last, meaning)
		}
	}
}

// A file cut in half still says it lasts 8 s: the whole decode finds only
// about 4, and that is a finding the entrant is told about.
func TestTruncatedFileIsAFinding(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	out := filepath.Join(t.TempDir(), "whole.mp4")
	b, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=8",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", out).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	data, _ := os.ReadFile(out)
	e := f.received(t, data[:len(data)/2])
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	got := f.get(t, e.ID)
	var cut *entries.Finding
	for i := range got.Findings {
		if got.Findings[i].Kind == screening.Truncated {
			cut = &got.Findings[i]
		}
	}
	if got.Status != entries.InReview || cut == nil || cut.End < 7.9 || cut.Start > 6 || !strings.Contains(cut.Detail, "says it lasts 0:08") {
		t.Errorf("truncated file: %s %+v", got.Status, got.Findings)
	}
}

// The moderation provider is shown the poster and sampled pictures as
// signed, time-limited URLs it can fetch (and an empty transcript), and
// its findings are recorded with their time; the pictures are never
// public, not even once the entry is live.
func TestProviderSeesPictures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	signer, err := blob.NewPresigner(blob.Options{Endpoint: f.kit.Config.S3Endpoint, AccessKey: f.kit.Config.S3AccessKey,
		SecretKey: f.kit.Config.S3SecretKey.Reveal(), Region: f.kit.Config.S3Region})
	if err != nil {
		t.Fatal(err)
	}
	f.h.Sign, f.h.SignedTTL = signer, 10*time.Minute
	type seen struct {
		raw      map[string]any
		in       screening.Input
		statuses []string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var s seen
		_ = json.Unmarshal(body, &s.raw)
		_ = json.Unmarshal(body, &s.in)
		urls := []string{s.in.PosterURL}
		for _, fr := range s.in.Frames {
			urls = append(urls, fr.URL)
		}
		client := &http.Client{Timeout: 10 * time.Second}
		for _, u := range urls {
			res, err := client.Get(u)
			if err != nil {
				s.statuses = append(s.statuses, err.Error())
				continue
			}
			res.Body.Close()
			s.statuses = append(s.statuses, fmt.Sprintf("%d %s", res.StatusCode, res.Header.Get("Content-Type")))
		}
		select {
		case got <- s:
		default:
		}
		_, _ = w.Write([]byte(`{"findings":[{"kind":"violence","detail":"a fight","value":0.81,"at_seconds":2.5}]}`))
	}))
	defer srv.Close()
	f.h.Provider = screening.NewHTTP(srv.URL, 20*time.Second, true) // a loopback provider: allowed for the test only
	e := f.received(t, clip(t, "testsrc2=size=320x240:rate=25", "4"))
	if err := f.run(t, e); err != nil {
		t.Fatal(err)
	}
	var s seen
	select {
	case s = <-got:
	default:
		t.Fatal("the provider was never called")
	}
	if s.in.PosterURL == "" || len(s.in.Frames) != 4 || s.in.Frames[0].AtSeconds != 0.5 || !s.in.URLsExpireAt.After(time.Now().Add(5*time.Minute)) {
		t.Errorf("provider input: %+v", s.in)
	}
	if v, ok := s.raw["transcript"]; !ok || v != "" {
		t.Errorf("transcript field: %v (present %v), want an empty string", v, ok)
	}
	for _, st := range s.statuses {
		if st != "200 image/jpeg" {
			t.Errorf("fetching a signed picture URL: %s", st)
		}
	}
	entry := f.get(t, e.ID)
	if len(entry.Findings) != 1 || entry.Findings[0].Kind != screening.External || entry.Findings[0].Start != 2.5 {
		t.Errorf("findings: %+v", entry.Findings)
	}
	entry.Status = entries.Live
	if _, access := entry.MediaFile("frames/f0.jpg", ""); access != entries.NoAccess {
		t.Error("a sampled picture is public")
	}
	if _, access := entry.MediaFile("poster.jpg", ""); access != entries.PublicAccess {
		t.Error("the poster of a live entry is not public")
	}
}
