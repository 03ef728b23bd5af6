package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestConfigDocIsCurrent: docs/CONFIG.md is exactly what
// `tryout env --markdown` prints.
func TestConfigDocIsCurrent(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"env", "--markdown"}, os.Getenv, &out, &out); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/CONFIG.md")
	if err != nil {
		t.Fatalf("%v; create it with: go run ./cmd/tryout env --markdown > docs/CONFIG.md", err)
	}
	if string(doc) != out.String() {
		got, want := strings.Split(string(doc), "\n"), strings.Split(out.String(), "\n")
		line := 0
		for line < len(got) && line < len(want) && got[line] == want[line] {
			line++
		}
		t.Errorf("docs/CONFIG.md is stale from line %d; regenerate it with: go run ./cmd/tryout env --markdown > docs/CONFIG.md", line+1)
	}
}
