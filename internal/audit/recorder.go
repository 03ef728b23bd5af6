package audit

import (
	"context"
	"log/slog"
	"time"

	"github.com/tryout/tryout/internal/ids"
)

// Actor is who did something: a staff member, an entrant acting for
// themselves, or the system (an automatic check).
type Actor struct{ ID, Email, Role string }

// Recorder is the one place audit records are written: the domain services
// (moderation, campaigns, rights, the vote re-check) and the console use
// it, so every record gets its id, time and actor the same way.
type Recorder struct {
	Store Store
	Now   func() time.Time
	Log   *slog.Logger
}

// Record appends what who did to target, with the state before and after
// (nil when there is none). A record that cannot be written is logged
// loudly; the action it describes stands. A nil Recorder records nothing
// (a service built without one, in a test).
func (r *Recorder) Record(ctx context.Context, who Actor, action, target string, before, after map[string]string) {
	if r == nil {
		return
	}
	rec := Record{ID: ids.New("au_"), ActorID: who.ID, ActorEmail: who.Email, ActorRole: who.Role,
		Action: action, Target: target, Before: before, After: after, At: r.Now()}
	if err := r.Store.Add(ctx, rec); err != nil {
		r.Log.Error("audit record lost", "action", action, "target", target, "actor", who.ID, "err", err)
	}
}

// Changed is before and after without the keys whose value is the same in
// both: what an edit changed. The maps are not modified.
func Changed(before, after map[string]string) (map[string]string, map[string]string) {
	b, a := map[string]string{}, map[string]string{}
	for k, v := range before {
		if after[k] != v {
			b[k] = v
		}
	}
	for k, v := range after {
		if before[k] != v {
			a[k] = v
		}
	}
	return b, a
}
