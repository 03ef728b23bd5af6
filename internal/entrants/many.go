package entrants

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/mongodb"
)

// GetMany reads the entrants with the given ids (one query); ids with no
// entrant are left out of the map.
func (s *MongoStore) GetMany(ctx context.Context, ids []string) (map[string]Entrant, error) {
	out := make(map[string]Entrant, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := mongodb.Each(ctx, s.entrants, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, nil, 500,
		func(d entrantDoc) Entrant { return Entrant(d) }, func(e Entrant) error { out[e.ID] = e; return nil })
	if err != nil {
		return nil, fmt.Errorf("entrants: get many: %w", err)
	}
	return out, nil
}
