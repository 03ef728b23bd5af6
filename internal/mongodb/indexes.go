package mongodb

import (
	"context"
	"errors"
	"fmt"

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
	{Shares, "sharer_entry", bson.D{{Key: "sharer", Value: 1}, {Key: "entry_id", Value: 1}}, true},
	{Ballots, "key_unique", bson.D{{Key: "key", Value: 1}}, true},
	{Ballots, "entry_voter_period_unique", bson.D{{Key: "entry_id", Value: 1}, {Key: "voter", Value: 1}, {Key: "period", Value: 1}}, true},
	{Ballots, "campaign_voter_period", bson.D{{Key: "campaign_id", Value: 1}, {Key: "voter", Value: 1}, {Key: "period", Value: 1}}, false},
	{Outbox, "broadcast", bson.D{{Key: "broadcast", Value: 1}, {Key: "_id", Value: 1}}, false},
	{Broadcast, "campaign", bson.D{{Key: "campaign_id", Value: 1}, {Key: "created_at", Value: -1}}, false},
	{Replies, "entrant", bson.D{{Key: "entrant_id", Value: 1}, {Key: "at", Value: -1}}, false},
	{Perks, "campaign_claimed", bson.D{{Key: "campaign_id", Value: 1}, {Key: "claimed", Value: 1}, {Key: "_id", Value: 1}}, false},
	{PerkClaim, "campaign_entrant_unique", bson.D{{Key: "campaign_id", Value: 1}, {Key: "entrant_id", Value: 1}}, true},
	{PerkClaim, "entrant", bson.D{{Key: "entrant_id", Value: 1}, {Key: "at", Value: -1}}, false},
	{Reports, "reporter_entry", bson.D{{Key: "entry_id", Value: 1}, {Key: "reporter", Value: 1}}, true},
	{Webhooks, "campaign", bson.D{{Key: "campaign_id", Value: 1}}, false},
	{WebhookLog, "campaign_created", bson.D{{Key: "campaign_id", Value: 1}, {Key: "created_at", Value: -1}}, false},
}

// Migrate creates every index. It is idempotent: creating an index that
// exists with the same definition is a no-op on both servers.
//
// FerretDB 1.24 (SQLite) uses an index only to keep keys unique: it looks
// documents up by `_id` alone and scans for any other filter. On FerretDB
// the other indexes would only slow every write (each computes its keys
// from the stored JSON), so Migrate creates only the unique ones there and
// drops the rest if an earlier version created them.
func Migrate(ctx context.Context, db *mongo.Database) error {
	ferret := IsFerretDB(ctx, db.Client())
	for _, ix := range indexes {
		if ferret && !ix.unique {
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
