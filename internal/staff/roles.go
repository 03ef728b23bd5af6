package staff

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/mongodb"
)

// ListByRole returns the accounts with a role, by email (the judging
// console lists the judges an owner may assign).
func (s *MongoStore) ListByRole(ctx context.Context, r Role) ([]User, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "role", Value: string(r)}}, bson.D{{Key: "email", Value: 1}}, 500,
		func(d userDoc) User { return User{d.ID, d.Email, d.Name, Role(d.Role), nil, d.CreatedAt} })
	if err != nil {
		return nil, fmt.Errorf("staff: list by role: %w", err)
	}
	return out, nil
}
