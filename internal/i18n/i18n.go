// Package i18n is Tryout's language catalogue: the languages a campaign
// may speak, and for each a table from the English text (the key, as
// gettext does) to the text in that language. English needs no table:
// a key is its own English text. Keys are fmt formats; a translation keeps
// the key's verbs (%s, %d, %q...), in any order when it indexes them
// (%[2]s).
package i18n

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Lang is a language Tryout speaks, as its ISO 639-1 code.
type Lang string

// The languages shipped. English is the source language.
const (
	EN Lang = "en"
	ES Lang = "es"
)

// Langs are the languages shipped, in the order a form offers them.
var Langs = []Lang{EN, ES}

// catalogues holds each language's table (English has none).
var catalogues = map[Lang]map[string]string{ES: es}

// Name is the language's name in itself, for a language picker.
func (l Lang) Name() string {
	switch l {
	case ES:
		return "Español"
	}
	return "English"
}

// Valid reports whether l is a language shipped.
func (l Lang) Valid() bool {
	for _, x := range Langs {
		if l == x {
			return true
		}
	}
	return false
}

// Parse reads a language code ("es", "ES", "es-MX"), English for anything
// Tryout does not speak.
func Parse(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if l := Lang(s); l.Valid() {
		return l
	}
	return EN
}

// FromAcceptLanguage picks the best language Tryout speaks from an
// Accept-Language header ("es-ES,es;q=0.9,en;q=0.8"), English when none
// matches.
func FromAcceptLanguage(header string) Lang {
	best, bestQ := EN, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		if i := strings.IndexAny(tag, "-_"); i >= 0 {
			tag = tag[:i]
		}
		if l := Lang(tag); l.Valid() && q > bestQ && q > 0 {
			best, bestQ = l, q
		}
	}
	return best
}

// T is key in l, formatted with args (fmt verbs). A key missing from l's
// table stays English (the catalogue test keeps that from shipping).
func (l Lang) T(key string, args ...any) string {
	s := l.text(key)
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// text is key's text in l, unformatted.
func (l Lang) text(key string) string {
	if v, ok := catalogues[l][key]; ok {
		return v
	}
	return key
}

// Has reports whether l has its own text for key (always, in English).
func (l Lang) Has(key string) bool {
	if l == EN {
		return true
	}
	_, ok := catalogues[l][key]
	return ok
}

// Table is l's texts for the given keys, for a page's scripts (keys l has
// no text for are left out: the script shows the key, its English).
func (l Lang) Table(keys []string) map[string]string {
	out := make(map[string]string, len(keys))
	if l == EN {
		return out
	}
	for _, k := range keys {
		if v, ok := catalogues[l][k]; ok {
			out[k] = v
		}
	}
	return out
}

// Keys are every key l has a text for, sorted.
func (l Lang) Keys() []string {
	keys := make([]string, 0, len(catalogues[l]))
	for k := range catalogues[l] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Mark returns key unchanged. It marks a text kept in a table or a
// variable to be translated later with T, so the catalogue test finds it.
func Mark(key string) string { return key }
