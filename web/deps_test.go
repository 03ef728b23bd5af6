package web_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWebDoesNotImportAPI keeps the two edges apart: what both show lives
// in internal/present, so web never needs the JSON API package.
func TestWebDoesNotImportAPI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v: %s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "github.com/tryout/tryout/api" || strings.HasPrefix(p, "github.com/tryout/tryout/api/") {
			t.Fatalf("web depends on %s; move what it needs into a package both may import", p)
		}
	}
	if !strings.Contains(string(out), "github.com/tryout/tryout/internal/present") {
		t.Fatalf("go list printed an unexpected dependency list:\n%s", out)
	}
}
