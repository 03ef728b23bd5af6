package app

import (
	"github.com/tryout/tryout/internal/judging"
)

// newJudging builds the judging service: counted votes come from the
// gallery's read model, messages from the notifier, winners go where the
// public winners page reads them, and every change is audited.
func (a *App) newJudging() *judging.Service {
	return &judging.Service{Store: judging.NewMongoStore(a.DB), Entries: a.Entries, Votes: a.Gallery, Teller: a.Notify,
		Staff: a.Staff, Winners: a.Winners, Audit: a.Recorder, Now: a.now}
}
