package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/i18n"
)

// Pages speak the language of their campaign (a campaign's pages, its
// entries' pages); pages of no campaign speak the visitor's best of the
// languages Tryout has, by Accept-Language. Every template is parsed once
// per language with {{t "English text" args...}} bound to that
// language's catalogue.

// langKey is where a handler that knows the page's campaign puts its
// language when the page's data does not carry the campaign as "C".
const langKey = "web.lang"

// pageLang is the language a page is written in.
func pageLang(c *gin.Context, data any) i18n.Lang {
	if m, ok := data.(map[string]any); ok {
		if cp, ok := m["C"].(campaigns.Campaign); ok {
			return cp.Lang()
		}
	}
	if v, ok := c.Get(langKey); ok {
		if l, ok := v.(i18n.Lang); ok {
			return l
		}
	}
	c.Header("Vary", "Accept-Language")
	return i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
}

// translator is the templates' t: key in l, formatted with args. When an
// argument is already HTML (a <time> from deadline), the text is escaped
// here and the whole returned as HTML; otherwise it is a plain string the
// template escapes for its context.
func translator(l i18n.Lang) func(key string, args ...any) any {
	return func(key string, args ...any) any {
		html := false
		for _, a := range args {
			if _, ok := a.(template.HTML); ok {
				html = true
			}
		}
		if !html {
			return l.T(key, args...)
		}
		esc := make([]any, len(args))
		for i, a := range args {
			switch v := a.(type) {
			case template.HTML:
				esc[i] = string(v)
			case string:
				esc[i] = template.HTMLEscapeString(v)
			case int, int64, float64:
				esc[i] = v
			default:
				esc[i] = template.HTMLEscapeString(fmt.Sprint(v))
			}
		}
		return template.HTML(fmt.Sprintf(template.HTMLEscapeString(l.T(key)), esc...)) //nolint:gosec // text escaped, HTML args are the server's own
	}
}

// langFuncs are the template functions that depend on the language.
func langFuncs(l i18n.Lang, scriptKeys []string) template.FuncMap {
	table := l.Table(scriptKeys)
	return template.FuncMap{
		"t":    translator(l),
		"lang": func() string { return string(l) },
		// scriptTexts are the texts the page's scripts show, in l (empty
		// in English: a script's keys are its English).
		"scriptTexts": func() map[string]string { return table },
		"when":        func(t time.Time) template.HTML { return when(l, t) },
		"deadline":    func(cp campaigns.Campaign, t time.Time) template.HTML { return deadline(l, cp, t) },
		"until":       func(t time.Time) template.HTML { return until(l, t) },
		"cards":       func(cards []gallery.Card, hideVotes bool) template.HTML { return cardsHTML(l, cards, hideVotes) },
	}
}

var scriptKeyRE = regexp.MustCompile(`\bt\(("(?:[^"\\]|\\.)*")`)

// scriptKeys are the keys the pages' scripts translate: every t("...")
// in web/static/*.js.
func scriptKeys() ([]string, error) {
	files, err := fs.Glob(staticFS, "static/*.js")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, f := range files {
		b, err := fs.ReadFile(staticFS, f)
		if err != nil {
			return nil, err
		}
		for _, m := range scriptKeyRE.FindAllStringSubmatch(string(b), -1) {
			if k, err := strconv.Unquote(m[1]); err == nil {
				seen[k] = true
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}
