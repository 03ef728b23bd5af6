package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// root is the repository, from this package's directory.
const root = "../.."

var (
	templateKeyRE = regexp.MustCompile(`[{(]\s*t\s+("(?:[^"\\]|\\.)*")`)
	scriptKeyRE   = regexp.MustCompile(`\bt\(("(?:[^"\\]|\\.)*")`)
)

// usedKeys walks the repository for every key a person may read: the
// formats of problem.New, the keys given to T and Mark in Go, {{t "..."}}
// in the page templates and t("...") in the pages' scripts.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{} // key -> where it is used
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "vendor" || name == "node_modules" || (strings.HasPrefix(name, ".") && path != root) {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
			goKeys(t, path, keys)
		case strings.HasSuffix(path, ".html") && strings.Contains(filepath.ToSlash(path), "web/templates/"):
			textKeys(t, path, templateKeyRE, keys)
		case strings.HasSuffix(path, ".js") && strings.Contains(filepath.ToSlash(path), "web/static/"):
			textKeys(t, path, scriptKeyRE, keys)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func goKeys(t *testing.T, path string, keys map[string]string) {
	api := strings.HasPrefix(filepath.ToSlash(path), root+"/api/")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		arg := -1
		switch {
		case sel.Sel.Name == "New" && isPkg(sel.X, "problem"):
			arg = 1
		case sel.Sel.Name == "TextIn" && isPkg(sel.X, "problem"):
			arg = 2
		case sel.Sel.Name == "Mark" && isPkg(sel.X, "i18n"), sel.Sel.Name == "T":
			arg = 0
		case !api: // the public API's own messages are translated too
		case sel.Sel.Name == "E" && isPkg(sel.X, "httpx"):
			arg = 2
		case sel.Sel.Name == "TextOf" && isPkg(sel.X, "problem"):
			arg = 1
		case sel.Sel.Name == "Unavailable" && isPkg(sel.X, "httpx"):
			arg = 0
		}
		if arg < 0 || len(call.Args) <= arg {
			return true
		}
		if lit, ok := call.Args[arg].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil && s != "" { // "": no fallback text
				keys[s] = fset.Position(lit.Pos()).String()
			}
		}
		return true
	})
}

func isPkg(x ast.Expr, name string) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Name == name
}

func textKeys(t *testing.T, path string, re *regexp.Regexp, keys map[string]string) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		s, err := strconv.Unquote(m[1])
		if err != nil {
			t.Errorf("%s: key %s: %v", path, m[1], err)
			continue
		}
		keys[s] = path
	}
}

// TestEveryKeyTranslated fails when a text a person may read has no
// Spanish entry: add it to es.go.
func TestEveryKeyTranslated(t *testing.T) {
	keys := usedKeys(t)
	if len(keys) < 300 {
		t.Fatalf("found only %d keys: the walk is broken", len(keys))
	}
	for _, l := range Langs {
		for k, where := range keys {
			if !l.Has(k) {
				t.Errorf("%s has no text for %q (used at %s)", l, k, where)
			}
		}
	}
	// Entries no code uses any more are dead weight (or a typo).
	for _, k := range ES.Keys() {
		if _, ok := keys[k]; !ok && !slices.Contains(extraKeys, k) {
			t.Errorf("es.go has %q, which nothing uses", k)
		}
	}
}

// TestPlaceholdersMatch checks each translation takes the arguments its
// key takes.
func TestPlaceholdersMatch(t *testing.T) {
	for _, l := range Langs {
		for _, k := range l.Keys() {
			if got, want := Verbs(l.text(k)), Verbs(k); !slices.Equal(got, want) {
				t.Errorf("%s: %q has verbs %v, its key %q has %v", l, l.text(k), got, k, want)
			}
			if strings.TrimSpace(l.text(k)) == "" {
				t.Errorf("%s: %q is empty", l, k)
			}
		}
	}
}

// extraKeys are catalogue keys the walk cannot see (none yet).
var extraKeys = []string{}
