package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/httpx"
)

// Spec is the OpenAPI 3.1 document of the public and staff JSON APIs,
// written by hand and kept true by a test that calls every operation
// through the router and validates the answers against it.
//
//go:embed openapi.json
var Spec []byte

// docOp is what the readable page shows of one operation.
type docOp struct {
	Method, Path, Summary, Tag, Auth string
	Params                           []string
	Statuses                         []string
}

// docsPage renders the document as HTML once, at start-up.
func docsPage() ([]byte, error) {
	var d struct {
		Info  struct{ Title, Description string }
		Paths map[string]map[string]struct {
			Summary    string
			Tags       []string
			Security   []map[string]any
			Parameters []struct{ Name, In string }
			Responses  map[string]any
		}
	}
	if err := json.Unmarshal(Spec, &d); err != nil {
		return nil, fmt.Errorf("api: openapi.json: %w", err)
	}
	var ops []docOp
	for path, methods := range d.Paths {
		for m, o := range methods {
			op := docOp{Method: strings.ToUpper(m), Path: path, Summary: o.Summary}
			if len(o.Tags) > 0 {
				op.Tag = o.Tags[0]
			}
			for _, s := range o.Security {
				for k := range s {
					op.Auth = k
				}
			}
			for _, p := range o.Parameters {
				op.Params = append(op.Params, p.Name+" ("+p.In+")")
			}
			for s := range o.Responses {
				op.Statuses = append(op.Statuses, s)
			}
			sort.Strings(op.Statuses)
			ops = append(ops, op)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	var b bytes.Buffer
	err := docsTemplate.Execute(&b, map[string]any{"Title": d.Info.Title, "Description": d.Info.Description, "Ops": ops})
	return b.Bytes(), err
}

var docsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title><link rel="stylesheet" href="/static/site.css"></head>
<body><main class="wide">
<h1>{{.Title}}</h1>
<p>{{.Description}}</p>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
{{range .Ops}}<section class="card api-op" id="{{.Method}}-{{.Path}}">
<h2><code>{{.Method}} {{.Path}}</code></h2>
<p>{{.Summary}}</p>
<p class="muted">{{with .Tag}}{{.}}{{end}}{{with .Auth}} · needs {{.}}{{end}}{{with .Params}} · parameters: {{range $i, $p := .}}{{if $i}}, {{end}}{{$p}}{{end}}{{end}} · answers: {{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{$s}}{{end}}</p>
</section>{{end}}
</main></body></html>`))

// docRoutes serves the document and its page (rendered once; the
// embedded document is checked by the tests).
func (a *API) docRoutes(r gin.IRoutes) {
	page, err := docsPage()
	r.GET("/openapi.json", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "application/json", Spec)
	})
	r.GET("/docs", func(c *gin.Context) {
		if err != nil {
			httpx.Fail(c, a.Log, err)
			return
		}
		c.Header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	})
}
