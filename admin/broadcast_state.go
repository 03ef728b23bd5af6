package admin

import (
	"strconv"
	"time"

	"github.com/tryout/tryout/internal/outreach"
)

// deliveryState is how a staff message's page describes where it stands:
// a message queued for now reads "sending" (not "scheduled") and its
// delivery row says what is happening until the copies are written.
type deliveryState struct {
	Label   string
	Note    string
	Pending bool // the page refreshes itself while true
}

func broadcastState(b outreach.Broadcast, copies int, now time.Time) deliveryState {
	n := strconv.Itoa(b.Planned)
	switch {
	case b.Status == outreach.Scheduled && b.SendAt.After(now):
		return deliveryState{Label: "scheduled for " + fmtTime(b.SendAt), Note: "Nothing sent yet: the " + n + " copies are written at that time."}
	case b.Status == outreach.Scheduled, b.Status == outreach.Sending:
		return deliveryState{Label: "sending now", Note: "Writing the " + n + " copies… (" + strconv.Itoa(copies) + " so far; this page updates by itself)", Pending: true}
	case b.Status == outreach.Cancelled:
		return deliveryState{Label: "cancelled", Note: "Nothing was sent."}
	}
	if copies == 0 {
		return deliveryState{Label: string(b.Status), Note: "No copies."}
	}
	return deliveryState{Label: string(b.Status)}
}
