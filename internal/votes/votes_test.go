package votes

import (
	"testing"
	"time"
)

func TestPeriods(t *testing.T) {
	at := time.Date(2026, 11, 25, 23, 59, 30, 0, time.FixedZone("UTC+2", 7200)) // 21:59:30 UTC, a Wednesday
	for _, tc := range []struct {
		f     Frequency
		label string
		next  time.Time
	}{
		{Once, "once", time.Time{}},
		{Hourly, "2026112521", time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)},
		{Daily, "20261125", time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)},
		{"", "20261125", time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)},
		{Weekly, "2026W48", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
	} {
		label, next := Rules{Frequency: tc.f}.Period(at)
		if label != tc.label || !next.Equal(tc.next) {
			t.Errorf("%q: %s next %v, want %s next %v", tc.f, label, next, tc.label, tc.next)
		}
	}
	// A Sunday is still in the week that started on Monday.
	sunday := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	if label, next := (Rules{Frequency: Weekly}).Period(sunday); label != "2026W48" || !next.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("sunday: %s %v", label, next)
	}
}

func TestKeysAndRules(t *testing.T) {
	entry := Rules{}
	camp := Rules{Scope: PerCampaign, PerPeriod: 3}
	if a, b := Key(entry, "cp", "en_1", "d:x", "p", 1), Key(entry, "cp", "en_2", "d:x", "p", 1); a == b {
		t.Error("per entry: two entries share a key")
	}
	if a, b := Key(camp, "cp", "en_1", "d:x", "p", 1), Key(camp, "cp", "en_2", "d:x", "p", 1); a != b {
		t.Error("per campaign: the same slot for two entries must collide")
	}
	if a, b := Key(camp, "cp", "en_1", "d:x", "p", 1), Key(camp, "cp", "en_1", "d:x", "p", 2); a == b {
		t.Error("per campaign: two slots share a key")
	}
	if d := (Rules{Scope: PerEntry, PerPeriod: 5}).Defaults(); d.PerPeriod != 1 || d.Frequency != Daily || d.Identity != Either {
		t.Errorf("defaults: %+v", d)
	}
	if fe := (Rules{Frequency: "yearly", Scope: "x", PerPeriod: 101, Identity: "phone"}).Validate(); len(fe) != 4 {
		t.Errorf("validate: %v", fe)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	open := Rules{OpensAt: now, ClosesAt: now.Add(time.Hour)}
	if !open.Open(now) || open.Open(now.Add(time.Hour)) || open.Open(now.Add(-time.Second)) || (Rules{}).Open(now) {
		t.Error("window edges")
	}
}

func TestAnalyze(t *testing.T) {
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	var bs []Ballot
	// 6 from one network in one minute, then 10 honest ones spread over
	// networks and hours, all after a page view.
	for i := range 6 {
		bs = append(bs, Ballot{ID: "s" + string(rune('a'+i)), At: at.Add(time.Duration(i) * time.Second), Signals: Signals{SubnetHash: "net1", Device: "d" + string(rune('a'+i)), UAFamily: "chrome", SincePageMS: 9000}})
	}
	for i := range 10 {
		bs = append(bs, Ballot{ID: "h" + string(rune('a'+i)), At: at.Add(time.Duration(i+1) * time.Hour), Signals: Signals{SubnetHash: "net-" + string(rune('a'+i)), Device: "e" + string(rune('a'+i)), UAFamily: "safari", SincePageMS: 15000}})
	}
	clusters, score := Analyze(bs)
	kinds := map[string]int{}
	for _, c := range clusters {
		kinds[c.Kind] = c.Ballots
	}
	if kinds["subnet"] != 6 || kinds["burst"] != 6 || len(clusters) != 2 || score != 38 {
		t.Errorf("clusters %+v score %d; want subnet and burst of 6, score 38 (6 of 16)", clusters, score)
	}
	for i := range bs[:6] {
		bs[i].Discounted = true
	}
	if _, score := Analyze(bs); score != 0 {
		t.Errorf("after discounting the cluster the score is %d", score)
	}
	if !InCluster(bs[0], "subnet", "net1") || InCluster(bs[7], "subnet", "net1") || !InCluster(bs[0], "burst", "2026-06-01 12:00") {
		t.Error("InCluster")
	}
	if _, score := Analyze(nil); score != 0 {
		t.Error("no ballots")
	}
}

// TestPeriodsInTimeZones: a campaign's days, weeks and hours start at its
// own midnight and hour, across daylight saving changes and half-hour
// offsets.
func TestPeriodsInTimeZones(t *testing.T) {
	zone := func(name string) *time.Location {
		l, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tokyo, york, kolkata := zone("Asia/Tokyo"), zone("America/New_York"), zone("Asia/Kolkata")
	for _, tc := range []struct {
		name  string
		loc   *time.Location
		f     Frequency
		at    time.Time
		label string
		next  time.Time
	}{
		// 14:59 UTC is 23:59 in Tokyo: the day ends a minute later, at 15:00 UTC.
		{"tokyo day", tokyo, Daily, time.Date(2026, 6, 1, 14, 59, 0, 0, time.UTC), "20260601", time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC)},
		{"tokyo next day", tokyo, Daily, time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC), "20260602", time.Date(2026, 6, 2, 15, 0, 0, 0, time.UTC)},
		// New York springs forward on 8 March 2026: that day has 23 hours.
		{"new york short day", york, Daily, time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC), "20260308", time.Date(2026, 3, 9, 4, 0, 0, 0, time.UTC)},
		{"new york winter day", york, Daily, time.Date(2026, 1, 10, 3, 0, 0, 0, time.UTC), "20260109", time.Date(2026, 1, 10, 5, 0, 0, 0, time.UTC)},
		// Sunday night in Tokyo is already Monday: a new ISO week.
		{"tokyo week", tokyo, Weekly, time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC), "2026W49", time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC)},
		{"kolkata hour", kolkata, Hourly, time.Date(2026, 6, 1, 10, 45, 0, 0, time.UTC), "2026060110", time.Date(2026, 6, 1, 11, 30, 0, 0, time.UTC)},
		{"utc by default", nil, Daily, time.Date(2026, 6, 1, 23, 0, 0, 0, time.UTC), "20260601", time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)},
	} {
		label, next := Rules{Frequency: tc.f, Location: tc.loc}.Period(tc.at)
		if label != tc.label || !next.Equal(tc.next) {
			t.Errorf("%s: %s next %v, want %s next %v", tc.name, label, next.UTC(), tc.label, tc.next)
		}
	}
	// Every moment of a local day shares one label, and the next period's
	// start has the next label.
	r := Rules{Frequency: Daily, Location: york}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, york) // clocks go back at 02:00: a 25-hour day
	label, next := r.Period(start)
	if l, _ := r.Period(next.Add(-time.Second)); l != label || next.Sub(start) != 25*time.Hour {
		t.Errorf("the long day: %s .. %s, %v long", label, l, next.Sub(start))
	}
	if l, _ := r.Period(next); l != "20261102" {
		t.Errorf("after the long day: %s", l)
	}
}
