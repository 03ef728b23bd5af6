package mail

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Scrub erases what the outbox holds about a deleted account: the
// address, subject, text and links of every message to the entrant (by
// id, or by address for sign-in links, which carry no id), and of
// messages about their entries (a guardian's requests). Messages not
// yet sent are suppressed, so nothing goes out afterwards. The records
// stay, empty, so delivery reports still add up.
func (s *MongoStore) Scrub(ctx context.Context, entrantID, email, anon string, entryIDs []string) (int64, error) {
	who := bson.A{bson.D{{Key: "entrant_id", Value: entrantID}}}
	if email != "" {
		who = append(who, bson.D{{Key: "to", Value: email}})
	}
	if len(entryIDs) > 0 {
		who = append(who, bson.D{{Key: "entry_id", Value: bson.D{{Key: "$in", Value: entryIDs}}}})
	}
	filter := bson.D{{Key: "$or", Value: who}}
	if _, err := s.c.UpdateMany(ctx, bson.D{{Key: "$and", Value: bson.A{filter,
		bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{string(Queued), string(Failed)}}}}}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(Suppressed)}, {Key: "last_error", Value: "the account was deleted"}}}}); err != nil {
		return 0, fmt.Errorf("mail: scrub: %w", err)
	}
	res, err := s.c.UpdateMany(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: "to", Value: ""}, {Key: "subject", Value: ""},
		{Key: "text", Value: ""}, {Key: "link", Value: ""}, {Key: "unsubscribe", Value: ""}, {Key: "preferences", Value: ""},
		{Key: "entrant_id", Value: anon}}}})
	if err != nil {
		return 0, fmt.Errorf("mail: scrub: %w", err)
	}
	return res.ModifiedCount, nil
}
