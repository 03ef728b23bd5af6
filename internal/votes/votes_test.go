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
