package campaigns_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/testkit"
)

func valid() campaigns.Campaign {
	now := time.Now()
	return campaigns.Campaign{ID: ids.New(campaigns.IDPrefix), Slug: "summer-tricks", Name: "Summer tricks",
		EntryOpensAt: now, EntryClosesAt: now.Add(time.Hour)}
}

func TestValidate(t *testing.T) {
	c := valid()
	if err := c.Validate(4 << 30); err != nil {
		t.Fatalf("valid campaign refused: %v", err)
	}
	if c.MaxFileBytes != campaigns.DefaultMaxFileBytes || c.MaxDurationSeconds != campaigns.DefaultMaxDurationSeconds {
		t.Errorf("defaults not applied: %+v", c)
	}
	tests := []struct {
		field  string
		mutate func(*campaigns.Campaign)
	}{
		{"slug", func(c *campaigns.Campaign) { c.Slug = "Has Spaces" }},
		{"slug", func(c *campaigns.Campaign) { c.Slug = "-dash-first" }},
		{"slug", func(c *campaigns.Campaign) { c.Slug = "ab" }},
		{"name", func(c *campaigns.Campaign) { c.Name = "  " }},
		{"description", func(c *campaigns.Campaign) { c.Description = strings.Repeat("x", 5001) }},
		{"entry_opens_at", func(c *campaigns.Campaign) { c.EntryOpensAt = time.Time{} }},
		{"entry_closes_at", func(c *campaigns.Campaign) { c.EntryClosesAt = c.EntryOpensAt.Add(-time.Second) }},
		{"max_file_bytes", func(c *campaigns.Campaign) { c.MaxFileBytes = 100 }},
		{"max_file_bytes", func(c *campaigns.Campaign) { c.MaxFileBytes = 8 << 30 }},
		{"max_duration_seconds", func(c *campaigns.Campaign) { c.MaxDurationSeconds = -1 }},
	}
	for _, tt := range tests {
		c := valid()
		tt.mutate(&c)
		err := c.Validate(4 << 30)
		var fe campaigns.FieldErrors
		if !errors.As(err, &fe) || fe[tt.field] == "" || !errors.Is(err, campaigns.ErrValidation) {
			t.Errorf("%s: Validate = %v, want a message for the field", tt.field, err)
		}
	}
}

func TestEntryOpen(t *testing.T) {
	c := valid()
	if err := c.EntryOpen(c.EntryOpensAt.Add(time.Minute)); err != nil {
		t.Errorf("inside the window: %v", err)
	}
	for _, at := range []time.Time{c.EntryOpensAt.Add(-time.Second), c.EntryClosesAt, c.EntryClosesAt.Add(time.Hour)} {
		if err := c.EntryOpen(at); !errors.Is(err, campaigns.ErrNotOpen) {
			t.Errorf("at %v: %v, want ErrNotOpen", at, err)
		}
	}
}

func TestStoreSlugIsUnique(t *testing.T) {
	k := testkit.New(t)
	s := campaigns.NewMongoStore(k.DB.Collection(mongodb.Campaigns))
	ctx := context.Background()
	c := valid()
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	dup := valid()
	if err := s.Create(ctx, dup); !errors.Is(err, campaigns.ErrSlugTaken) {
		t.Errorf("second campaign with the same slug: %v, want ErrSlugTaken", err)
	}
	got, err := s.GetBySlug(ctx, c.Slug)
	if err != nil || got.ID != c.ID {
		t.Errorf("GetBySlug = %+v, %v", got, err)
	}
	if _, err := s.Get(ctx, "cp_missing"); !errors.Is(err, campaigns.ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
}
