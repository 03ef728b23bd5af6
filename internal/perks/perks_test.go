package perks_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/perks"
	"github.com/tryout/tryout/internal/testkit"
)

func TestParseCSV(t *testing.T) {
	codes, err := perks.ParseCSV(strings.NewReader("code\nSUMMER-1\n SUMMER-2 ,extra column\n"))
	if err != nil || strings.Join(codes, " ") != "SUMMER-1 SUMMER-2" {
		t.Fatalf("good file: %v %v", codes, err)
	}
	_, err = perks.ParseCSV(strings.NewReader("A1\n\nA2\nA1\nhas space\n" + strings.Repeat("x", perks.MaxCodeLen+1) + "\nA2\n"))
	var fe perks.FileError
	if !errors.As(err, &fe) || !errors.Is(err, perks.ErrBadFile) {
		t.Fatalf("bad file: %v", err)
	}
	want := "line 2: empty code; line 4: A1 repeats line 1; line 5: a code cannot contain spaces; line 6: code longer than 64 characters; line 7: A2 repeats line 3"
	if fe.Error() != want {
		t.Errorf("got  %s\nwant %s", fe.Error(), want)
	}
	if _, err := perks.ParseCSV(strings.NewReader("code\n")); !errors.Is(err, perks.ErrBadFile) {
		t.Errorf("no codes: %v", err)
	}
}

// TestConcurrentClaims: 40 entrants claim at once, each twice, from a pool
// of 30: every code goes out once, each entrant gets at most one, the rest
// hear the pool is empty, and a second claim returns the same code.
func TestConcurrentClaims(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	if err := mongodb.Migrate(ctx, k.DB); err != nil {
		t.Fatal(err)
	}
	s := perks.NewMongoStore(k.DB.Collection(mongodb.Perks), k.DB.Collection(mongodb.PerkClaim))
	var codes []string
	for i := range 30 {
		codes = append(codes, fmt.Sprintf("CODE-%02d", i))
	}
	if taken, err := s.Add(ctx, "cp_1", codes, time.Now()); err != nil || len(taken) != 0 {
		t.Fatal(taken, err)
	}
	if taken, err := s.Add(ctx, "cp_1", []string{"CODE-03", "NEW-1"}, time.Now()); err != nil || strings.Join(taken, ",") != "CODE-03" {
		t.Fatalf("adding a code twice: %v %v", taken, err)
	}
	var mu sync.Mutex
	got := map[string]string{} // entrant -> code
	empty := 0
	var wg sync.WaitGroup
	for i := range 40 {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who := fmt.Sprintf("et_%02d", i)
				c, err := s.Claim(ctx, "cp_1", who, time.Now())
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, perks.ErrEmpty):
					empty++
				case err != nil:
					t.Error(err)
				case got[who] != "" && got[who] != c.Code:
					t.Errorf("%s got two codes: %s and %s", who, got[who], c.Code)
				default:
					got[who] = c.Code
				}
			}()
		}
	}
	wg.Wait()
	seen := map[string]string{}
	for who, code := range got {
		if other, ok := seen[code]; ok {
			t.Errorf("%s handed to %s and %s", code, other, who)
		}
		seen[code] = who
	}
	if len(got) != 31 || empty < 9*2-1 {
		t.Errorf("%d entrants got codes (want all 31), %d claims found the pool empty", len(got), empty)
	}
	st, err := s.Stats(ctx, "cp_1")
	if err != nil || st.Total != 31 || st.Claimed != 31 || st.Left() != 0 || !st.Low() {
		t.Errorf("stats: %+v %v", st, err)
	}
	// Who got a code and who found the pool empty depends on the order the
	// claims ran in: ask for each.
	for i := range 40 {
		who := fmt.Sprintf("et_%02d", i)
		c, err := s.ClaimOf(ctx, "cp_1", who)
		switch {
		case got[who] == "" && !errors.Is(err, perks.ErrNotFound):
			t.Errorf("claim of %s, who got none: %+v %v", who, c, err)
		case got[who] != "" && (err != nil || c.Code != got[who]):
			t.Errorf("claim of %s: %+v %v, want %s", who, c, err, got[who])
		}
	}
}
