package testkit

import (
	"sync"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/mongodb"
)

// Audit returns an audit recorder on the kit's database, whose clock starts
// at start and moves on a second per record (records then list in the
// order they were made), and the store to read the records back from.
func (k *Kit) Audit(start time.Time) (*audit.Recorder, *audit.MongoStore) {
	store := audit.NewMongoStore(k.DB.Collection(mongodb.Audit))
	var mu sync.Mutex
	tick := start
	return &audit.Recorder{Store: store, Log: k.Log, Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick = tick.Add(time.Second)
		return tick
	}}, store
}
