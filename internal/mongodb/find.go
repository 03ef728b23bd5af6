package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// FindAll runs one sorted, limited find and converts every document from
// its stored shape D to the domain type T. Every store's list uses it.
func FindAll[D, T any](ctx context.Context, c *mongo.Collection, filter, sort bson.D, limit int, conv func(D) T) ([]T, error) {
	cur, err := c.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		out = append(out, conv(d))
	}
	return out, nil
}
