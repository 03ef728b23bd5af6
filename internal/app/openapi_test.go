package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/api"
	"github.com/tryout/tryout/internal/testkit"
)

// conformance sends requests through the real router and validates each
// request and response against the OpenAPI document (kin-openapi, which
// loads OpenAPI 3.1 and validates with JSON Schema 2020-12), recording
// which operations were exercised.
type conformance struct {
	t      *testing.T
	e      *env
	doc    *openapi3.T
	router routers.Router
	seen   map[string]bool // "GET /api/campaigns/{slug}"
	// invalid marks the next request as deliberately against the
	// document (to see the documented error): only its response is checked.
	invalid bool
}

func init() {
	plain := func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		return string(b), err
	}
	for _, ct := range []string{"text/html", "image/jpeg", "text/vtt"} {
		openapi3filter.RegisterBodyDecoder(ct, plain)
	}
}

func newConformance(t *testing.T, e *env) *conformance {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.Spec)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %s", doc.OpenAPI)
	}
	doc.Servers = nil // match any host: the test server's
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &conformance{t: t, e: e, doc: doc, router: r, seen: map[string]bool{}}
}

// do sends req with c, validates both directions, and returns the status
// and body.
func (k *conformance) do(c *http.Client, req *http.Request, body []byte) (int, []byte) {
	k.t.Helper()
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	res, err := c.Do(req)
	if err != nil {
		k.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	route, params, err := k.router.FindRoute(req)
	if err != nil {
		k.t.Errorf("%s %s is not documented: %v", req.Method, req.URL.Path, err)
		return res.StatusCode, got
	}
	k.seen[req.Method+" "+route.Path] = true
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && !k.invalid {
		k.t.Errorf("%s %s: the request does not match the document: %v", req.Method, route.Path, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(got)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		k.t.Errorf("%s %s -> %d: the response does not match the document: %v\n%s", req.Method, route.Path, res.StatusCode, err, trim(string(got), 400))
	}
	k.invalid = false
	return res.StatusCode, got
}

// call builds and sends a request; want is the status expected.
func (k *conformance) call(c *http.Client, method, path string, want int, body []byte, hdr ...string) []byte {
	k.t.Helper()
	req, _ := http.NewRequest(method, k.e.srv.URL+path, nil)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	st, got := k.do(c, req, body)
	if st != want {
		k.t.Errorf("%s %s: %d, want %d: %s", method, path, st, want, trim(string(got), 400))
	}
	return got
}

// ginPath turns gin's /x/:id/*file into the document's /x/{id}/{file}.
var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

func ginPath(p string) string { return ginParam.ReplaceAllString(p, "{$1}") }

// TestOpenAPIConformance: every route under /api and /admin/api is in the
// document and every documented operation is a route; each operation is
// called through the real router (success where a test can reach it, else
// a documented error) and its request and response are validated against
// the document.
func TestOpenAPIConformance(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.ViewAfter = 0 })
	k := newConformance(t, e)
	h, err := e.app.Handler()
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, r := range h.(*gin.Engine).Routes() {
		if strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/admin/api/") {
			routes[r.Method+" "+ginPath(r.Path)] = true
		}
	}
	documented := map[string]bool{}
	for path, item := range k.doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for r := range routes {
		if !documented[r] {
			t.Errorf("route %s is not in api/openapi.json", r)
		}
	}
	for d := range documented {
		if !routes[d] {
			t.Errorf("api/openapi.json documents %s, which is not a route", d)
		}
	}
	k.exercise(t)
	var missed []string
	for d := range documented {
		if !k.seen[d] {
			missed = append(missed, d)
		}
	}
	sort.Strings(missed)
	if len(missed) > 0 {
		t.Errorf("documented but never called here: %s", strings.Join(missed, ", "))
	}
}

// exercise calls every operation.
func (k *conformance) exercise(t *testing.T) {
	e := k.e
	ctx := context.Background()
	now := time.Now()
	anon := jar()
	basic := func(method, path string, want int, body []byte) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, e.srv.URL+path, nil)
		req.SetBasicAuth(e.user, e.pass)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		st, got := k.do(http.DefaultClient, req, body)
		if st != want {
			t.Errorf("%s %s: %d, want %d: %s", method, path, st, want, trim(string(got), 400))
		}
		return got
	}
	input := []byte(fmt.Sprintf(`{"slug":"docs","name":"Docs","entry_opens_at":%q,"entry_closes_at":%q,
		"max_file_bytes":52428800,"max_duration_seconds":60,"max_entries_per_entrant":5,"voting_opens_at":%q,"voting_closes_at":%q}`,
		now.Add(-time.Hour).UTC().Format(time.RFC3339), now.Add(time.Hour).UTC().Format(time.RFC3339),
		now.Add(-time.Hour).UTC().Format(time.RFC3339), now.Add(time.Hour).UTC().Format(time.RFC3339)))
	created := basic("POST", "/admin/api/campaigns", 201, input)
	cpID := regexp.MustCompile(`"id":"(cp_[^"]+)"`).FindStringSubmatch(string(created))[1]
	en := e.liveEntry(t, "docs", "Documented", "Dee")
	if _, err := e.kit.Blobs.Put(ctx, e.kit.Config.S3BucketRenditions, en.Renditions.Poster, strings.NewReader("\xff\xd8\xff\xe0poster"), 10, "image/jpeg"); err != nil {
		t.Fatal(err)
	}

	k.call(anon, "GET", "/api/openapi.json", 200, nil)
	k.call(anon, "GET", "/api/docs", 200, nil)
	k.call(anon, "GET", "/api/campaigns", 200, nil)
	k.call(anon, "GET", "/api/campaigns/docs", 200, nil)
	k.call(anon, "GET", "/api/campaigns/nope", 404, nil)
	k.call(anon, "GET", "/api/campaigns/docs/gallery?sort=top&limit=5", 200, nil)
	k.call(anon, "GET", "/api/campaigns/docs/gallery", 200, nil)
	k.call(anon, "GET", "/api/campaigns/docs/gallery?cursor=zz", 400, nil)
	k.call(anon, "GET", "/api/campaigns/docs/votes/me", 200, nil)
	k.call(anon, "GET", "/api/entries/"+en.ID, 200, nil)
	k.call(anon, "GET", "/api/entries/en_nope", 404, nil)
	k.call(anon, "GET", "/api/entries/"+en.ID+"/media/poster.jpg", 200, nil)
	k.call(anon, "GET", "/api/entries/"+en.ID+"/media/source.mp4", 404, nil)
	tok := regexp.MustCompile(`"token":"([^"]+)"`).FindSubmatch(k.call(anon, "POST", "/api/entries/"+en.ID+"/views/start", 200, nil))
	k.call(anon, "POST", "/api/entries/"+en.ID+"/views", 200, []byte(`{"token":"`+string(tok[1])+`"}`))
	k.call(anon, "POST", "/api/entries/"+en.ID+"/share-links", 200, nil)
	k.call(anon, "POST", "/api/entries/"+en.ID+"/votes", 201, nil, "X-Page-Token", e.pageToken(en.ID),
		"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36")
	k.call(anon, "POST", "/api/entries/"+en.ID+"/votes", 409, nil, "X-Page-Token", e.pageToken(en.ID))
	k.call(anon, "POST", "/api/entries/"+en.ID+"/reports", 202, []byte(`{"reason":"spam","text":"looks like an ad"}`))
	k.invalid = true
	k.call(anon, "POST", "/api/entries/"+en.ID+"/reports", 400, []byte(`{"reason":"boring"}`))
	k.call(anon, "POST", "/api/auth/link", 202, []byte(`{"email":"fan@example.com","next":"/c/docs"}`))
	k.call(anon, "POST", "/api/auth/link", 400, []byte(`{"email":"not-an-email"}`))
	k.call(anon, "GET", "/api/me", 401, nil)

	fan := e.signIn("fan@example.com")
	k.call(fan, "GET", "/api/me", 200, nil)
	draft := regexp.MustCompile(`"id":"(en_[^"]+)"`).FindSubmatch(k.call(fan, "POST", "/api/campaigns/docs/drafts", 201,
		[]byte(`{"title":"Draft","description":"d","accept_rules":"1","media_release":true}`)))[1]
	id := string(draft)
	k.call(fan, "POST", "/api/campaigns/docs/drafts", 400, []byte(`{"title":"","accept_rules":"1"}`))
	mine, _ := e.app.Entries.Get(ctx, id)
	if err := e.app.Notify.EntryReceived(ctx, mine); err != nil {
		t.Fatal(err)
	}
	k.call(fan, "GET", "/api/me/entries", 200, nil)
	msgs := k.call(fan, "GET", "/api/me/messages", 200, nil)
	msgID := regexp.MustCompile(`"id":"([^"]+)"`).FindSubmatch(msgs)[1]
	k.call(fan, "POST", "/api/me/messages/"+string(msgID)+"/replies", 201, []byte(`{"text":"Thanks!"}`))
	k.call(fan, "GET", "/api/me/perks", 200, nil)
	k.call(fan, "GET", "/api/me/entries/"+id+"/stats?days=7", 200, nil)
	k.call(fan, "GET", "/api/me/share-links", 200, nil)
	k.call(fan, "GET", "/api/me/preferences", 200, nil)
	k.call(fan, "PUT", "/api/me/preferences", 200, []byte(`{"off":[],"all_off":false}`))
	k.call(fan, "PUT", "/api/entries/"+id+"/captions", 409, []byte("WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n"), "Content-Type", "text/vtt")
	k.call(fan, "POST", "/api/entries/"+id+"/uploads", 201, []byte(`{"size":1048576,"filename":"a.mp4","content_type":"video/mp4"}`))
	k.call(fan, "GET", "/api/entries/"+id+"/uploads/current", 200, nil)
	k.call(fan, "POST", "/api/entries/"+id+"/uploads/current/complete", 409, nil)
	k.call(fan, "POST", "/api/entries/"+id+"/appeal", 409, nil) // a draft has no automatic decision to appeal
	k.call(fan, "POST", "/api/entries/"+id+"/withdraw", 200, nil)

	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	for _, f := range [][2]string{{"title", "Streamed"}, {"accept_rules", "1"}, {"media_release", "yes"}} {
		_ = mw.WriteField(f[0], f[1])
	}
	fw, _ := mw.CreateFormFile("file", "clip.mp4")
	fw.Write([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + strings.Repeat("\x00", 64)))
	mw.Close()
	k.call(fan, "POST", "/api/campaigns/docs/entries", 201, mp.Bytes(), "Content-Type", mw.FormDataContentType())
	k.call(fan, "GET", "/api/me/export", 200, nil)
	k.call(fan, "POST", "/api/me/deletion", 202, nil)
	k.call(fan, "POST", "/api/auth/logout", 200, nil)

	basic("GET", "/admin/api/campaigns", 200, nil)
	basic("POST", "/admin/api/campaigns", 409, input)
	basic("GET", "/admin/api/campaigns/"+cpID+"/entries", 200, nil)
	basic("GET", "/admin/api/campaigns/cp_nope/entries", 404, nil)
	basic("PUT", "/admin/api/campaigns/"+cpID+"/vote-checks", 400, []byte(`{"off":["robots"]}`))
	basic("PUT", "/admin/api/campaigns/"+cpID+"/vote-checks", 200, []byte(`{"off":[]}`))
	basic("GET", "/admin/api/outbox", 200, nil)
	basic("GET", "/admin/api/campaigns/"+cpID+"/analytics", 200, nil)
	for _, f := range []string{"daily", "entries", "entrants", "ballots", "messages"} {
		basic("GET", "/admin/api/campaigns/"+cpID+"/exports/"+f+".csv", 200, nil)
	}
	k.call(anon, "GET", "/admin/api/campaigns", 401, nil)
}
