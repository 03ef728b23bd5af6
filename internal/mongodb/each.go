package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Each streams the documents filter matches through fn, converted from D
// to T, holding one batch at a time (exports walk 100k documents this
// way); projection (nil for whole documents) leaves out what the caller
// does not read. fn's error stops the walk and is returned.
func Each[D, T any](ctx context.Context, c *mongo.Collection, filter, projection bson.D, batch int32, conv func(D) T, fn func(T) error) error {
	opts := options.Find().SetBatchSize(batch)
	if projection != nil {
		opts.SetProjection(projection)
	}
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return err
		}
		if err := fn(conv(d)); err != nil {
			return err
		}
	}
	return cur.Err()
}
