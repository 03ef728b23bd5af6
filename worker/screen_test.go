package worker_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

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
	f := newFixture(t, 60)
	f.setCampaign(t, bson.D{{Key: "moderation_mode", Value: "auto_approve_clean"}, {Key: "min_duration_s", Value: 3},
		{Key: "blocked_words", Value: bson.A{"scam"}}})
	good := clip(t, "testsrc2=size=320x240:rate=25", "5")

	// A clean clip goes live on its own in auto_approve_clean.
	first := f.received(t, good)
	if err := f.run(t, first); err != nil {
		t.Fatal(err)
	}
	if got := f.get(t, first.ID); got.Status != entries.Live || len(got.Findings) != 0 || len(got.Fingerprint) < 10 {
		t.Fatalf("clean clip: %s findings %+v fingerprint %d", got.Status, got.Findings, len(got.Fingerprint))
	}

	// The same video again is rejected as a duplicate, with the reason.
	second := f.received(t, good)
	if err := f.run(t, second); err != nil {
		t.Fatal(err)
	}
	got := f.get(t, second.ID)
	if got.Status != entries.Rejected || !strings.Contains(got.StatusReason, "same as one already entered") {
		t.Errorf("duplicate: %s %q %+v", got.Status, got.StatusReason, got.Findings)
	}

	// A black video is rejected.
	black := f.received(t, clip(t, "color=black:size=320x240:rate=25", "5"))
	if err := f.run(t, black); err != nil {
		t.Fatal(err)
	}
	if got := f.get(t, black.ID); got.Status != entries.Rejected || !strings.Contains(got.StatusReason, "black") {
		t.Errorf("black video: %s %q", got.Status, got.StatusReason)
	}

	// Blocked words and a short clip: flagged for a person, with evidence.
	short := f.received(t, clip(t, "smptebars=size=320x240:rate=25", "2"))
	title := "Free $c@m inside"
	if _, err := f.kit.DB.Collection(mongodb.Entries).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: short.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "title", Value: title}}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.run(t, short); err != nil {
		t.Fatal(err)
	}
	got = f.get(t, short.ID)
	kinds := map[string]entries.Finding{}
	for _, fd := range got.Findings {
		kinds[fd.Kind] = fd
	}
	if got.Status != entries.InReview || kinds[screening.Words].Detail == "" || kinds[screening.TooShort].Value < 1.5 {
		t.Errorf("flagged clip: %s %+v", got.Status, got.Findings)
	}
}
