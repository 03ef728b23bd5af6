package campaigns_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
)

func TestMB(t *testing.T) {
	for n, want := range map[int64]string{500_000_000: "500", 524_288_000: "524.288", 1_000_000_000: "1000", 1_500_000: "1.5"} {
		if got := campaigns.MB(n); got != want {
			t.Errorf("MB(%d) = %q; want %q", n, got, want)
		}
	}
}

var day = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func TestBrandName(t *testing.T) {
	c := campaigns.Campaign{Slug: "abc", Name: "x", EntryOpensAt: day, EntryClosesAt: day.AddDate(0, 0, 1), BrandName: "  Acme  "}
	if err := c.Validate(1 << 30); err != nil || c.BrandName != "Acme" {
		t.Fatalf("%v %q", err, c.BrandName)
	}
	c.BrandName = strings.Repeat("a", campaigns.MaxBrandName+1)
	fe, ok := c.Validate(1 << 30).(campaigns.FieldErrors)
	if !ok || fe["brand_name"] == "" {
		t.Errorf("a long brand name: %v", fe)
	}
	c.BrandName, c.MaxFileBytes = "", 900_000
	if fe, ok := c.Validate(1 << 30).(campaigns.FieldErrors); !ok || !strings.Contains(fe["max_file_bytes"], "1 MB") {
		t.Errorf("a tiny file limit: %v", fe)
	}
}
