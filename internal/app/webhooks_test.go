package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/rights"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/webhooks"
)

func allowPrivateWebhooks(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.WebhookAllowPrivate = true }

type hook struct {
	id, ts, sig string
	body        []byte
}

// TestWebhooksEndToEnd: an owner adds an endpoint in the console; a staff
// decision puts an entry live; the real worker delivers entry.live, signed
// so that the spec's check passes with the secret the console shows; the
// log shows the 200 and replay sends the same webhook-id again. Tasks
// retry with exponential backoff.
func TestWebhooksEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, allowPrivateWebhooks)
	var mu sync.Mutex
	var got []hook
	arrived := make(chan struct{}, 10)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, hook{r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature"), b})
		mu.Unlock()
		arrived <- struct{}{}
	}))
	t.Cleanup(rcv.Close)
	en := e.reviewEntry(t, "hooked", "Hooked entry")
	s := e.staffLogin(e.user, e.pass)
	page := "/admin/campaigns/" + en.CampaignID + "/webhooks"
	s.page(page)
	res, _ := s.post(page, url.Values{"url": {rcv.URL + "/in"}, "events": {"entry.live", "entry.rejected"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add endpoint: %d", res.StatusCode)
	}
	_, body := s.page(page)
	secret := regexp.MustCompile(`<code class="pre secret">(whsec_[^<]+)</code>`).FindStringSubmatch(body)
	if secret == nil {
		t.Fatalf("no secret on the page")
	}
	e.startWorker()
	if res, body := s.post("/admin/entries/"+en.ID+"/decision", url.Values{"decision": {"approve"}, "seen": {en.UpdatedAt.UTC().Format(time.RFC3339Nano)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", res.StatusCode, body)
	}
	wait := func() hook {
		t.Helper()
		select {
		case <-arrived:
		case <-time.After(60 * time.Second): // a hang guard only
			t.Fatal("no webhook arrived")
		}
		mu.Lock()
		defer mu.Unlock()
		return got[len(got)-1]
	}
	h := wait()
	// The page escapes + and / as HTML entities; a browser shows the secret as it is.
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(html.UnescapeString(secret[1]), "whsec_"))
	if err != nil {
		t.Fatalf("the secret on the page is not whsec_ and base64: %v", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(h.id + "." + h.ts + "." + string(h.body)))
	if h.sig != "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)) {
		t.Errorf("signature %q does not verify", h.sig)
	}
	var payload struct {
		Type string
		Data struct {
			EntryID string `json:"entry_id"`
			Entrant struct{ Email string }
		}
	}
	if err := json.Unmarshal(h.body, &payload); err != nil || payload.Type != "entry.live" || payload.Data.EntryID != en.ID || payload.Data.Entrant.Email != "hooked-entry@example.com" {
		t.Errorf("payload %s", h.body)
	}
	// The log shows the delivery; replay sends it again with the same id.
	var logged []webhooks.Delivery
	for range 100 {
		logged, _ = e.app.Webhooks.Store.Deliveries(context.Background(), en.CampaignID, 10)
		if len(logged) == 1 && logged[0].Status == webhooks.Delivered {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(logged) != 1 || logged[0].Status != webhooks.Delivered || logged[0].Last().StatusCode != 200 {
		t.Fatalf("log: %+v", logged)
	}
	if _, body := s.page(page); !strings.Contains(body, `data-delivery="`+logged[0].ID+`"`) || !strings.Contains(body, "200") {
		t.Error("the delivery is not on the page")
	}
	if res, _ := s.post("/admin/webhook-deliveries/"+logged[0].ID+"/replay", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("replay: %d", res.StatusCode)
	}
	if again := wait(); again.id != h.id || string(again.body) != string(h.body) {
		t.Errorf("replay: id %s body %s", again.id, again.body)
	}
	// Failed tasks wait 10 s, 20 s, 40 s ... at most 30 min.
	if d1, d2, d9 := app.RetryDelay(1, errors.New("500"), nil), app.RetryDelay(2, errors.New("500"), nil), app.RetryDelay(12, errors.New("500"), nil); d1 != 10*time.Second || d2 != 20*time.Second || d9 != 30*time.Minute {
		t.Errorf("backoff: %s %s %s", d1, d2, d9)
	}
}

// TestWebhookConsoleRefusesPrivateAddresses: without the setting, the
// console refuses a loopback or metadata address and saves nothing.
func TestWebhookConsoleRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	en := e.reviewEntry(t, "ssrf", "Guarded")
	s := e.staffLogin(e.user, e.pass)
	page := "/admin/campaigns/" + en.CampaignID + "/webhooks"
	s.page(page)
	for _, u := range []string{"http://127.0.0.1:8080/admin", "http://169.254.169.254/latest/meta-data/"} {
		res, body := s.post(page, url.Values{"url": {u}, "events": {"entry.live"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "private, loopback or link-local") {
			t.Errorf("%s: %d", u, res.StatusCode)
		}
	}
	if eps, _ := e.app.Webhooks.Store.Endpoints(context.Background(), en.CampaignID); len(eps) != 0 {
		t.Errorf("saved: %+v", eps)
	}
}

// TestEntrantDeletedWebhook: deleting an entrant tells the endpoints of
// the campaigns they entered, with the email their CRM knows them by, once,
// even when the deletion runs again after a crash.
func TestEntrantDeletedWebhook(t *testing.T) {
	t.Parallel()
	e := newEnv(t, allowPrivateWebhooks)
	arrived := make(chan []byte, 10)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		arrived <- b
	}))
	t.Cleanup(rcv.Close)
	en := e.reviewEntry(t, "forget-me", "Forget me")
	s := e.staffLogin(e.user, e.pass)
	page := "/admin/campaigns/" + en.CampaignID + "/webhooks"
	s.page(page)
	if res, _ := s.post(page, url.Values{"url": {rcv.URL + "/in"}, "events": {string(webhooks.EntrantDeleted)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add endpoint: %d", res.StatusCode)
	}
	e.startWorker()
	ctx := context.Background()
	if _, err := e.app.Rights.Deleter.Request(ctx, en.EntrantID, rights.Self(en.EntrantID)); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	select {
	case b := <-arrived:
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second): // a hang guard only
		t.Fatal("no entrant.deleted webhook arrived")
	}
	if got.Type != "entrant.deleted" || got.Data["entrant_id"] != en.EntrantID || got.Data["entrant_email"] != "forget-me@example.com" {
		t.Errorf("webhook %+v", got)
	}
	// Once delivered, the log keeps no trace of the address.
	for i := 0; ; i++ {
		n, err := e.app.DB.Collection("webhook_deliveries").CountDocuments(ctx, map[string]any{"type": "entrant.deleted", "status": "delivered"})
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if i == 300 {
			t.Fatal("the delivery was never marked delivered")
		}
		time.Sleep(100 * time.Millisecond)
	}
	var left []map[string]any
	cur, err := e.app.DB.Collection("webhook_deliveries").Find(ctx, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cur.All(ctx, &left); err != nil {
		t.Fatal(err)
	}
	for _, d := range left {
		if b, _ := json.Marshal(d); strings.Contains(string(b), "forget-me@example.com") || strings.Contains(string(b), en.EntrantID) {
			t.Errorf("a delivery still holds the deleted entrant: %s", b)
		}
	}
	if err := e.app.Rights.Deleter.Run(ctx, en.EntrantID); err != nil { // a retry after the fact
		t.Fatal(err)
	}
	select {
	case b := <-arrived:
		t.Errorf("a second entrant.deleted webhook: %s", b)
	case <-time.After(2 * time.Second):
	}
}
