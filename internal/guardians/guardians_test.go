package guardians

import (
	"testing"
	"time"
)

func TestReminderDue(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	g := Consent{Status: Pending, RequestedAt: t0, ExpiresAt: t0.Add(14 * day), Sent: true}
	for _, tt := range []struct {
		reminders int
		at        time.Duration
		want      bool
	}{
		{0, 2 * day, false}, {0, 3 * day, true}, {1, 3 * day, false}, {1, 7 * day, true}, {2, 13 * day, false},
	} {
		g.Reminders = tt.reminders
		if got := g.ReminderDue(t0.Add(tt.at)); got != tt.want {
			t.Errorf("%d sent, after %s: %v", tt.reminders, tt.at, got)
		}
	}
	short := Consent{Status: Pending, RequestedAt: t0, ExpiresAt: t0.Add(5 * day), Reminders: 1}
	if short.ReminderDue(t0.Add(8 * day)) {
		t.Error("a reminder after the deadline")
	}
	if (Consent{Status: Given, RequestedAt: t0, ExpiresAt: t0.Add(14 * day)}).ReminderDue(t0.Add(4 * day)) {
		t.Error("a reminder after consent")
	}
}
