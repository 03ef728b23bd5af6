package staff_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/testkit"
)

func TestNewUserValidates(t *testing.T) {
	for _, tt := range []struct{ email, pass string }{
		{"not-an-email", "long enough password"},
		{"Name <a@b.c>", "long enough password"},
		{"a@b.c", "short"},
		{"a@b.c", string(make([]byte, 73))},
	} {
		if _, err := staff.NewUser("st_x", tt.email, "", staff.Owner, tt.pass, time.Now()); !errors.Is(err, staff.ErrInvalid) {
			t.Errorf("NewUser(%q, %d-byte password) = %v, want ErrInvalid", tt.email, len(tt.pass), err)
		}
	}
	if _, err := staff.ParseRole("janitor"); !errors.Is(err, staff.ErrInvalid) {
		t.Errorf("ParseRole(janitor) = %v", err)
	}
	if r, err := staff.ParseRole(" Moderator "); err != nil || r != staff.Moderator {
		t.Errorf("ParseRole(Moderator) = %v, %v", r, err)
	}
}

func TestAuthenticate(t *testing.T) {
	k := testkit.New(t)
	s := staff.NewMongoStore(k.DB.Collection(mongodb.Staff))
	ctx := context.Background()
	u, err := staff.NewUser(ids.New(staff.IDPrefix), " Mod@Example.com ", "Mo", staff.Moderator, "a long password here", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost(u.PasswordHash); err != nil || cost != staff.DefaultCost || staff.DefaultCost < 12 {
		t.Errorf("password hashed at bcrypt cost %d (%v), want %d (at least 12)", cost, err, staff.DefaultCost)
	}
	if err := s.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	dup, _ := staff.NewUser(ids.New(staff.IDPrefix), "mod@example.com", "", staff.Owner, "another long password", time.Now())
	if err := s.Create(ctx, dup); !errors.Is(err, staff.ErrEmailTaken) {
		t.Errorf("duplicate email: %v", err)
	}
	got, err := staff.Authenticate(ctx, s, "MOD@example.com", "a long password here")
	if err != nil || got.ID != u.ID || got.Role != staff.Moderator {
		t.Errorf("Authenticate = %+v, %v", got, err)
	}
	for _, tt := range []struct{ email, pass string }{{"mod@example.com", "wrong password!!"}, {"nobody@example.com", "a long password here"}} {
		if _, err := staff.Authenticate(ctx, s, tt.email, tt.pass); !errors.Is(err, staff.ErrBadCredentials) {
			t.Errorf("Authenticate(%s) = %v, want ErrBadCredentials", tt.email, err)
		}
	}
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Errorf("Count = %d, %v", n, err)
	}
}

func TestOnlyOwnersHandleDataRequests(t *testing.T) {
	for _, r := range []staff.Role{staff.Owner, staff.Moderator, staff.Judge, staff.Analyst} {
		if got := r.Can(staff.HandleDataRequests); got != (r == staff.Owner) {
			t.Errorf("%s can handle data requests: %v", r, got)
		}
	}
}
