package mongodb_test

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/testkit"
)

// TestMigrateIndexes: on FerretDB only the unique indexes are kept (it
// never reads the others, and every write pays for them), including
// dropping one an earlier version made; on MongoDB every index is there.
// Uniqueness holds on both, and migrating twice changes nothing.
func TestMigrateIndexes(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	ballots := k.DB.Collection(mongodb.Ballots)
	old := mongo.IndexModel{Keys: bson.D{{Key: "campaign_id", Value: 1}, {Key: "voter", Value: 1}, {Key: "period", Value: 1}},
		Options: options.Index().SetName("campaign_voter_period")}
	if _, err := ballots.Indexes().CreateOne(ctx, old); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := mongodb.Migrate(ctx, k.DB); err != nil {
			t.Fatal(err)
		}
	}
	specs, err := ballots.Indexes().ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range specs {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	want := []string{"_id_", "entry_voter_period_unique", "key_unique"}
	if !mongodb.IsFerretDB(ctx, k.Mongo) {
		want = []string{"_id_", "campaign_voter_period", "entry_voter_period_unique", "key_unique"}
	}
	if !slices.Equal(names, want) {
		t.Errorf("ballot indexes %v, want %v", names, want)
	}
	if _, err := ballots.InsertOne(ctx, bson.D{{Key: "_id", Value: "b1"}, {Key: "key", Value: "k"}, {Key: "entry_id", Value: "e1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ballots.InsertOne(ctx, bson.D{{Key: "_id", Value: "b2"}, {Key: "key", Value: "k"}, {Key: "entry_id", Value: "e2"}}); !mongo.IsDuplicateKeyError(err) {
		t.Errorf("second ballot with one key: %v, want a duplicate-key error", err)
	}
}
