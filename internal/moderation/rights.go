package moderation

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/mongodb"
)

// ByReporter lists the reports an entrant made (a data export).
func (s *MongoReports) ByReporter(ctx context.Context, reporter string) ([]Report, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "reporter", Value: reporter}}, bson.D{{Key: "created_at", Value: 1}}, 0, func(d reportDoc) Report { return Report(d) })
	if err != nil {
		return nil, fmt.Errorf("reports: by reporter: %w", err)
	}
	return out, nil
}

// ScrubReporter keeps a deleted account's reports as anonymous ones (the
// thresholds they counted towards stand) and erases the words they wrote.
func (s *MongoReports) ScrubReporter(ctx context.Context, reporter, anon string) (int64, error) {
	res, err := s.c.UpdateMany(ctx, bson.D{{Key: "reporter", Value: reporter}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "reporter", Value: anon}, {Key: "text", Value: ""}}}})
	if err != nil {
		return 0, fmt.Errorf("reports: scrub: %w", err)
	}
	return res.ModifiedCount, nil
}
