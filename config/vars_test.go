package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestVarsAreComplete checks the table Load reads: every variable has a
// name, a documented default and a meaning, and its default loads.
func TestVarsAreComplete(t *testing.T) {
	names := map[string]bool{}
	for _, v := range Vars {
		if !strings.HasPrefix(v.Name, "TRYOUT_") || names[v.Name] {
			t.Errorf("%q: want a unique TRYOUT_ name", v.Name)
		}
		names[v.Name] = true
		if v.Shown() == "" || strings.TrimSpace(v.Help) == "" {
			t.Errorf("%s lacks a documented default (%q) or a description (%q)", v.Name, v.Shown(), v.Help)
		}
		if v.set == nil {
			t.Errorf("%s has no parser", v.Name)
		}
		if v.Default != "" && (v.Note != "" || v.From != "") {
			t.Errorf("%s: a default of %q hides its note %q / %q", v.Name, v.Default, v.Note, v.From)
		}
	}
	for _, v := range Vars {
		if v.From != "" && !names[v.From] {
			t.Errorf("%s takes its default from unknown %s", v.Name, v.From)
		}
	}
}

// TestDefaultsAreWhatLoadUses loads once with nothing set and once with
// every documented default set explicitly: the two must be equal.
func TestDefaultsAreWhatLoadUses(t *testing.T) {
	implicit, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{}
	for _, v := range Vars {
		if v.Default != "" {
			all[v.Name] = v.Default
		}
	}
	explicit, err := Load(env(all))
	if err != nil {
		t.Fatalf("the documented defaults do not load: %v", err)
	}
	if !reflect.DeepEqual(implicit, explicit) {
		t.Errorf("documented defaults differ from Load's:\n%+v\n%+v", implicit, explicit)
	}
}

// TestEveryFieldHasOneVariable sets each variable alone on an empty Config
// and checks it writes exactly one field, and every field has a variable.
func TestEveryFieldHasOneVariable(t *testing.T) {
	owner := map[string]string{}
	for _, v := range Vars {
		field := probe(t, v)
		if field == "" {
			continue
		}
		if prev, ok := owner[field]; ok {
			t.Errorf("%s and %s both set Config.%s", prev, v.Name, field)
		}
		owner[field] = v.Name
	}
	typ := reflect.TypeOf(Config{})
	for i := range typ.NumField() {
		if name := typ.Field(i).Name; owner[name] == "" {
			t.Errorf("Config.%s has no variable in Vars", name)
		}
	}
}

// probe feeds v the first of a few texts its parser accepts and returns
// the one field that changed.
func probe(t *testing.T, v Var) string {
	for _, text := range []string{"7", "7s", "true", "debug"} {
		var c Config
		var errs []error
		v.set(&c, value{name: v.Name, text: text, def: v.Default, errs: &errs})
		if len(errs) > 0 {
			continue
		}
		var changed []string
		cv := reflect.ValueOf(c)
		for i := range cv.NumField() {
			if !cv.Field(i).IsZero() {
				changed = append(changed, cv.Type().Field(i).Name)
			}
		}
		if len(changed) != 1 {
			t.Errorf("%s=%q sets %v, want one field", v.Name, text, changed)
			return ""
		}
		return changed[0]
	}
	t.Errorf("%s accepts none of the probe values", v.Name)
	return ""
}
