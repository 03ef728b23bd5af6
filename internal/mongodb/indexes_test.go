package mongodb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/testkit"
)

// TestMigrateIndexes: on FerretDB 1.x only the unique indexes are kept (it
// never reads the others, and every write pays for them), including
// dropping one an earlier version made; on MongoDB and FerretDB 2 every
// index is there.
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
	want := []string{"_id_", "entry_voter_period_key_unique", "key_unique"}
	if k.Backend.Concurrent() {
		want = []string{"_id_", "campaign_at", "campaign_voter_period", "entry_at", "entry_voter_period_key_unique", "held_campaign_at", "key_unique"}
	}
	if !slices.Equal(names, want) {
		t.Errorf("ballot indexes %v, want %v", names, want)
	}
	if _, err := ballots.InsertOne(ctx, bson.D{{Key: "_id", Value: "b1"}, {Key: "key", Value: "k"}, {Key: "entry_voter_period", Value: "e1|v|p"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ballots.InsertOne(ctx, bson.D{{Key: "_id", Value: "b2"}, {Key: "key", Value: "k"}, {Key: "entry_voter_period", Value: "e2|v|p"}}); !mongo.IsDuplicateKeyError(err) {
		t.Errorf("second ballot with one key: %v, want a duplicate-key error", err)
	}
	if _, err := ballots.InsertOne(ctx, bson.D{{Key: "_id", Value: "b3"}, {Key: "key", Value: "k3"}, {Key: "entry_voter_period", Value: "e1|v|p"}}); !mongo.IsDuplicateKeyError(err) {
		t.Errorf("second ballot for one entry, voter and period: %v, want a duplicate-key error", err)
	}
}

// TestMigrateOneFieldKeys: data written by the version with compound
// unique indexes gets its one-field keys, the compound indexes go, and
// the new keys judge duplicates from then on. Migrating again changes
// nothing.
func TestMigrateOneFieldKeys(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	ballots, shares := k.DB.Collection(mongodb.Ballots), k.DB.Collection(mongodb.Shares)
	// The previous version's index set and documents (the kit migrated the
	// database already: take the new keys' indexes away first).
	for _, c := range []struct {
		coll *mongo.Collection
		name string
	}{{ballots, "entry_voter_period_key_unique"}, {shares, "sharer_entry_unique"}} {
		if err := c.coll.Indexes().DropOne(ctx, c.name); err != nil {
			t.Fatal(err)
		}
	}
	old := mongo.IndexModel{Keys: bson.D{{Key: "entry_id", Value: 1}, {Key: "voter", Value: 1}, {Key: "period", Value: 1}},
		Options: options.Index().SetName("entry_voter_period_unique").SetUnique(true)}
	if _, err := ballots.Indexes().CreateOne(ctx, old); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		doc := bson.D{{Key: "_id", Value: fmt.Sprint("b", i)}, {Key: "key", Value: fmt.Sprint("k", i)},
			{Key: "entry_id", Value: "e1"}, {Key: "voter", Value: fmt.Sprint("d:", i)}, {Key: "period", Value: "20261202"}}
		if _, err := ballots.InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := shares.InsertOne(ctx, bson.D{{Key: "_id", Value: "code1"}, {Key: "sharer", Value: "d:1"}, {Key: "entry_id", Value: "e1"}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := mongodb.Migrate(ctx, k.DB); err != nil {
			t.Fatal(err)
		}
	}
	var b bson.M
	if err := ballots.FindOne(ctx, bson.D{{Key: "_id", Value: "b2"}}).Decode(&b); err != nil {
		t.Fatal(err)
	}
	if b["entry_voter_period"] != "e1|d:2|20261202" {
		t.Errorf("backfilled key %v, want e1|d:2|20261202", b["entry_voter_period"])
	}
	specs, err := ballots.Indexes().ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		if s.Name == "entry_voter_period_unique" {
			t.Error("the compound unique index is still there")
		}
	}
	dup := bson.D{{Key: "_id", Value: "b9"}, {Key: "key", Value: "k9"}, {Key: "entry_id", Value: "e1"}, {Key: "voter", Value: "d:2"},
		{Key: "period", Value: "20261202"}, {Key: "entry_voter_period", Value: "e1|d:2|20261202"}}
	if _, err := ballots.InsertOne(ctx, dup); !mongo.IsDuplicateKeyError(err) {
		t.Errorf("a second ballot for an old one's entry, voter and period: %v, want a duplicate-key error", err)
	}
	if _, err := shares.InsertOne(ctx, bson.D{{Key: "_id", Value: "code2"}, {Key: "sharer_entry", Value: "d:1|e1"}}); !mongo.IsDuplicateKeyError(err) {
		t.Errorf("a second link for an old one's sharer and entry: %v, want a duplicate-key error", err)
	}
}

// TestDetect: the embedded server (FerretDB 1.24, which reports its
// version as "unknown") is the single-writer kind; a server given by
// TRYOUT_TEST_MONGO_URI is what its buildInfo says.
func TestDetect(t *testing.T) {
	k := testkit.New(t)
	b := mongodb.Detect(context.Background(), k.Mongo)
	if k.Embedded && (b.Kind != mongodb.KindFerretDB1 || b.Concurrent()) {
		t.Errorf("the embedded FerretDB 1.24 is detected as %s (concurrent %v)", b, b.Concurrent())
	}
	if b != k.Backend {
		t.Errorf("Detect says %s, the kit connected as %s", b, k.Backend)
	}
	t.Logf("backend: %s", b)
}
