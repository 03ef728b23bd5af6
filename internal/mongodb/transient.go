package mongodb

import (
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Transient reports whether a write failed for a reason that a retry of
// the same write may not meet: a network error, or FerretDB 2 passing on
// PostgreSQL's "deadlock detected" when concurrent inserts into the same
// unique indexes wait on each other (one of them is cancelled).
func Transient(err error) bool {
	if err == nil {
		return false
	}
	return mongo.IsNetworkError(err) || mongo.IsTimeout(err) || strings.Contains(err.Error(), "deadlock detected")
}
