package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names, in one place.
const (
	Campaigns = "campaigns"
	Entries   = "entries"
	Staff     = "staff"
	Entrants  = "entrants"
	Claims    = "login_claims"
	Outbox    = "outbox"
	Slots     = "entry_slots"
	Sessions  = "staff_sessions"
	Audit     = "audit"
	Reports   = "reports"
	Winners   = "winners"
	Shares    = "share_links"
	Ballots   = "ballots"
	Broadcast = "broadcasts"
	Replies   = "replies"
	Perks     = "perk_codes"
	PerkClaim = "perk_claims"
	Judging   = "judging_setups"
	Rounds    = "judging_rounds"
	Scores    = "judging_scores"
	Draws     = "prize_draws"
	Guardians = "guardian_consents"
	Deletions = "deletions"
	Retention = "retention_runs"
	// Webhooks are campaigns' webhook endpoints; WebhookLog their deliveries.
	Webhooks   = "webhooks"
	WebhookLog = "webhook_deliveries"
)

type index struct {
	coll   string
	name   string
	keys   bson.D
	unique bool
}

// indexes uses only what both MongoDB and FerretDB support: plain and
// compound unique indexes, no TTL or partial indexes.
var indexes = []index{
	{Campaigns, "slug_unique", bson.D{{Key: "slug", Value: 1}}, true},
	{Entries, "campaign_created", bson.D{{Key: "campaign_id", Value: 1}, {Key: "created_at", Value: -1}}, false},
	{Entries, "status", bson.D{{Key: "status", Value: 1}}, false},
	{Staff, "email_unique", bson.D{{Key: "email", Value: 1}}, true},
	{Entrants, "email_unique", bson.D{{Key: "email", Value: 1}}, true},
	{Entries, "entrant", bson.D{{Key: "entrant_id", Value: 1}, {Key: "created_at", Value: -1}}, false},
	{Outbox, "entrant", bson.D{{Key: "entrant_id", Value: 1}, {Key: "created_at", Value: -1}}, false},
	{Outbox, "created", bson.D{{Key: "created_at", Value: -1}}, false},
	{Slots, "entry", bson.D{{Key: "entry_id", Value: 1}}, false},
	{Sessions, "user", bson.D{{Key: "user_id", Value: 1}}, false},
	{Audit, "at", bson.D{{Key: "at", Value: -1}}, false},
	{Audit, "target", bson.D{{Key: "target", Value: 1}, {Key: "at", Value: -1}}, false},
	{Entries, "campaign_status", bson.D{{Key: "campaign_id", Value: 1}, {Key: "status", Value: 1}, {Key: "updated_at", Value: 1}}, false},
	{Reports, "entry", bson.D{{Key: "entry_id", Value: 1}, {Key: "created_at", Value: -1}}, false},
	{Winners, "campaign", bson.D{{Key: "campaign_id", Value: 1}, {Key: "place", Value: 1}}, false},
	{Shares, "sharer_entry_unique", bson.D{{Key: "sharer_entry", Value: 1}}, true},
	{Shares, "sharer", bson.D{{Key: "sharer", Value: 1}, {Key: "created_at", Value: -1}}, false},
	{Ballots, "key_unique", bson.D{{Key: "key", Value: 1}}, true},
	{Ballots, "entry_voter_period_key_unique", bson.D{{Key: "entry_voter_period", Value: 1}}, true},
	{Ballots, "entry_at", bson.D{{Key: "entry_id", Value: 1}, {Key: "at", Value: 1}}, false},
	{Ballots, "campaign_voter_period", bson.D{{Key: "campaign_id", Value: 1}, {Key: "voter", Value: 1}, {Key: "period", Value: 1}}, false},
	// Held ballots (few) and the ballots around them, for the automatic release.
	{Ballots, "held_campaign_at", bson.D{{Key: "held", Value: 1}, {Key: "campaign_id", Value: 1}, {Key: "at", Value: 1}}, false},
	{Ballots, "campaign_at", bson.D{{Key: "campaign_id", Value: 1}, {Key: "at", Value: 1}}, false},
	{Outbox, "broadcast", bson.D{{Key: "broadcast", Value: 1}, {Key: "_id", Value: 1}}, false},
	{Broadcast, "campaign", bson.D{{Key: "campaign_id", Value: 1}, {Key: "created_at", Value: -1}}, false},
	{Replies, "entrant", bson.D{{Key: "entrant_id", Value: 1}, {Key: "at", Value: -1}}, false},
	{Perks, "campaign_claimed", bson.D{{Key: "campaign_id", Value: 1}, {Key: "claimed", Value: 1}, {Key: "_id", Value: 1}}, false},
	{PerkClaim, "campaign_entrant_key_unique", bson.D{{Key: "campaign_entrant", Value: 1}}, true},
	{PerkClaim, "entrant", bson.D{{Key: "entrant_id", Value: 1}, {Key: "at", Value: -1}}, false},
	{Reports, "entry_reporter_unique", bson.D{{Key: "entry_reporter", Value: 1}}, true},
	{Rounds, "key_unique", bson.D{{Key: "key", Value: 1}}, true},
	{Rounds, "campaign", bson.D{{Key: "campaign_id", Value: 1}, {Key: "number", Value: 1}}, false},
	{Rounds, "judges", bson.D{{Key: "judges", Value: 1}}, false},
	{Scores, "round", bson.D{{Key: "round_id", Value: 1}}, false},
	{Scores, "campaign", bson.D{{Key: "campaign_id", Value: 1}}, false},
	{Draws, "campaign", bson.D{{Key: "campaign_id", Value: 1}, {Key: "at", Value: 1}}, false},
	{Guardians, "entrant", bson.D{{Key: "entrant_id", Value: 1}}, false},
	{Retention, "started", bson.D{{Key: "started_at", Value: -1}}, false},
	{Webhooks, "campaign", bson.D{{Key: "campaign_id", Value: 1}}, false},
	{WebhookLog, "campaign_created", bson.D{{Key: "campaign_id", Value: 1}, {Key: "created_at", Value: -1}}, false},
}

// obsolete are indexes an earlier version made and this one drops: the
// compound unique keys, replaced by one-field keys (a compound unique index
// inserts at a few hundred documents a second on FerretDB 2).
var obsolete = []struct{ coll, name string }{
	{Ballots, "entry_voter_period_unique"},
	{Shares, "sharer_entry"},
	{PerkClaim, "campaign_entrant_unique"},
	{Reports, "reporter_entry"},
}

// joinedKeys are the one-field unique keys made of other fields joined by
// "|". Documents written before the key existed get it before its unique
// index is built.
var joinedKeys = []struct {
	coll, field string
	from        []string
}{
	{Ballots, "entry_voter_period", []string{"entry_id", "voter", "period"}},
	{Shares, "sharer_entry", []string{"sharer", "entry_id"}},
	{PerkClaim, "campaign_entrant", []string{"campaign_id", "entrant_id"}},
	{Reports, "entry_reporter", []string{"entry_id", "reporter"}},
}

// Migrate creates every index. It is idempotent: creating an index that
// exists with the same definition is a no-op on both servers.
//
// FerretDB 1.x (SQLite) uses an index only to keep keys unique: it looks
// documents up by `_id` alone and scans for any other filter. There the
// other indexes would only slow every write (each computes its keys from
// the stored JSON), so Migrate creates only the unique ones and drops the
// rest if an earlier version created them. MongoDB and FerretDB 2 get
// every index.
func Migrate(ctx context.Context, db *mongo.Database) error {
	uniqueOnly := !Detect(ctx, db.Client()).Concurrent()
	for _, k := range joinedKeys {
		if err := backfill(ctx, db.Collection(k.coll), k.field, k.from); err != nil {
			return err
		}
	}
	for _, ix := range obsolete {
		if err := db.Collection(ix.coll).Indexes().DropOne(ctx, ix.name); err != nil && !indexMissing(err) {
			return fmt.Errorf("migrate: drop index %s.%s: %w", ix.coll, ix.name, err)
		}
	}
	for _, ix := range indexes {
		if uniqueOnly && !ix.unique {
			if err := db.Collection(ix.coll).Indexes().DropOne(ctx, ix.name); err != nil && !indexMissing(err) {
				return fmt.Errorf("migrate: drop index %s.%s: %w", ix.coll, ix.name, err)
			}
			continue
		}
		m := mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetName(ix.name).SetUnique(ix.unique)}
		if _, err := db.Collection(ix.coll).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("migrate: index %s.%s: %w", ix.coll, ix.name, err)
		}
	}
	return nil
}

// indexMissing reports whether err says there was no such index (or no such
// collection) to drop.
func indexMissing(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 27 || ce.Code == 26 || ce.Name == "IndexNotFound" || ce.Name == "NamespaceNotFound")
}

// backfill sets field to the from fields joined by "|" on every document
// of c that lacks it, in batches by _id (no pipeline updates: FerretDB has
// none). Idempotent: a second run finds nothing to do.
func backfill(ctx context.Context, c *mongo.Collection, field string, from []string) error {
	proj := bson.D{{Key: "_id", Value: 1}}
	for _, f := range from {
		proj = append(proj, bson.E{Key: f, Value: 1})
	}
	for {
		cur, err := c.Find(ctx, bson.D{{Key: field, Value: bson.D{{Key: "$exists", Value: false}}}},
			options.Find().SetProjection(proj).SetLimit(1000))
		if err != nil {
			return fmt.Errorf("migrate: backfill %s.%s: %w", c.Name(), field, err)
		}
		var docs []bson.M
		if err := cur.All(ctx, &docs); err != nil {
			return fmt.Errorf("migrate: backfill %s.%s: %w", c.Name(), field, err)
		}
		if len(docs) == 0 {
			return nil
		}
		models := make([]mongo.WriteModel, len(docs))
		for i, d := range docs {
			parts := make([]string, len(from))
			for j, f := range from {
				parts[j] = fmt.Sprint(d[f])
			}
			models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: d["_id"]}}).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: strings.Join(parts, "|")}}}})
		}
		if _, err := c.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			return fmt.Errorf("migrate: backfill %s.%s: %w", c.Name(), field, err)
		}
	}
}
