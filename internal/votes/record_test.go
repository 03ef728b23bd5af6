package votes

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestJournalRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 29, 12, 30, 0, 123e6, time.UTC)
	b := Ballot{ID: "bl_1", CampaignID: "cp_1", EntryID: "en_1", Voter: "d:dev", Verified: true, Period: "20261129", At: at,
		Signals: Signals{IPHash: "aa", SubnetHash: "bb", Device: "dev", UAFamily: "firefox", SincePageMS: -1, Automation: "webdriver"}}
	for _, tc := range []struct {
		prefix    string
		key       string
		challenge string
		hold      []string
	}{
		{"0\x1f0\x1f0\x1f", "en_1|d:dev|20261129", "", nil},
		{"2\x1f2\x1f0\x1f", "cp_1|d:dev|20261129|2", "pow", nil},
		{"1\x1f1\x1f0\x1f", "cp_1|d:dev|20261129|1", "email", nil},
		{"0\x1f0\x1f10\x1f", "en_1|d:dev|20261129", "", []string{"no_playback", "automation"}},
	} {
		got, err := parseRecord(tc.prefix+journalRecord(b), true)
		want := b
		want.Key, want.Signals.Challenge, want.Held, want.Hold = tc.key, tc.challenge, tc.hold != nil, tc.hold
		if err != nil || !cmp.Equal(got, want) {
			t.Errorf("%q: %v\n%s", tc.prefix, err, cmp.Diff(want, got))
		}
	}
	// A field holding a separator cannot split the record.
	odd := b
	odd.Signals.Device = "a\x1fb\x1ec"
	if got, err := parseRecord("0\x1f0\x1f0\x1f"+journalRecord(odd), true); err != nil || got.Signals.Device != "a?b?c" || got.Signals.UAFamily != "firefox" {
		t.Errorf("separator in a field: %+v %v", got, err)
	}
	for _, bad := range []string{"", "0\x1f0", "x\x1f0\x1f0\x1f" + journalRecord(b), "0\x1f0\x1fx\x1f" + journalRecord(b), "0\x1f0\x1f" + journalRecord(b)} {
		if _, err := parseRecord(bad, true); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// v2record is a record as the gate wrote it before holding (version "2":
// no hold bits, no automation signal).
func v2record(b Ballot) string {
	rec := journalRecord(b)
	return "0\x1f0\x1f" + rec[:strings.LastIndex(rec, fieldSep)]
}

func TestDecodeEntryReadsBothFormats(t *testing.T) {
	b := Ballot{ID: "bl_old", CampaignID: "cp_1", EntryID: "en_1", Voter: "d:x", Period: "p", At: time.Unix(1, 0).UTC()}
	raw, err := bson.Marshal(toBallotDoc(b))
	if err != nil {
		t.Fatal(err)
	}
	old, err := decodeEntry(map[string]any{"b": string(raw), "k": "en_1|d:x|p"})
	if err != nil || len(old) != 1 || old[0].ID != "bl_old" || old[0].Key != "en_1|d:x|p" {
		t.Errorf("entry written before batching: %+v %v", old, err)
	}
	b2 := b
	b2.ID = "bl_2"
	batch, err := decodeEntry(map[string]any{"v": "2", "b": v2record(b) + "\x1e" + v2record(b2)})
	if err != nil || len(batch) != 2 || batch[0].ID != "bl_old" || batch[1].ID != "bl_2" || batch[0].Held {
		t.Errorf("version 2 batch entry: %+v %v", batch, err)
	}
	b2.Held, b2.Hold = true, []string{"new_devices"}
	batch, err = decodeEntry(map[string]any{"v": "3", "b": "0\x1f0\x1f0\x1f" + journalRecord(b) + "\x1e0\x1f0\x1f1\x1f" + journalRecord(b2)})
	if err != nil || len(batch) != 2 || batch[0].Held || !batch[1].Held || !cmp.Equal(batch[1].Hold, b2.Hold) {
		t.Errorf("version 3 batch entry: %+v %v", batch, err)
	}
}

func TestPace(t *testing.T) {
	const lag, quiet = time.Minute, 200 * time.Millisecond
	for _, tc := range []struct {
		oldest, newest, want time.Duration
	}{
		{2 * time.Second, 5 * time.Millisecond, 195 * time.Millisecond}, // votes pouring in: wait for a pause
		{2 * time.Second, 300 * time.Millisecond, 0},                    // voting paused: drain
		{lag, time.Millisecond, 0},                                      // the oldest waited long enough: drain
		{lag - 50*time.Millisecond, 0, 50 * time.Millisecond},           // never past the lag
	} {
		if got := pace(tc.oldest, tc.newest, lag, quiet); got != tc.want {
			t.Errorf("pace(%v, %v) = %v, want %v", tc.oldest, tc.newest, got, tc.want)
		}
	}
}
