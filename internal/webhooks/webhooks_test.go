package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/webhooks"
)

// received is one request a test receiver got.
type received struct {
	id, ts, sig string
	body        []byte
}

// receiver is a loopback HTTP server answering with the codes given, in
// turn (the last one after that), and keeping what it got.
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	got   []received
	codes []int
}

func newReceiver(t *testing.T, codes ...int) *receiver {
	r := &receiver{codes: codes}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.got = append(r.got, received{req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp"), req.Header.Get("webhook-signature"), b})
		code := r.codes[min(len(r.got), len(r.codes))-1]
		w.WriteHeader(code)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// verify checks a signature header the way the Standard Webhooks spec says
// a receiver must, written here from the spec rather than with the
// package's Sign: HMAC-SHA256 keyed with the base64-decoded part of the
// whsec_ secret, over "id.timestamp.body", base64, prefixed "v1,"; any of
// the space-separated signatures may match.
func verify(secret string, r received) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(r.id + "." + r.ts + "." + string(r.body)))
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, s := range strings.Split(r.sig, " ") {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t *testing.T, allowPrivate bool) (*webhooks.Service, *clock) {
	k := testkit.New(t)
	c := &clock{time.Now().Truncate(time.Second)}
	return &webhooks.Service{
		Store:  webhooks.NewMongoStore(k.DB.Collection(mongodb.Webhooks), k.DB.Collection(mongodb.WebhookLog)),
		Queue:  tasks.NewQueue(asynq.NewClientFromRedisClient(k.Redis)),
		Client: webhooks.NewClient(allowPrivate, 5*time.Second), Resolver: net.DefaultResolver,
		AllowPrivate: allowPrivate, Grace: time.Hour, Now: c.now,
	}, c
}

// deliveries lists the campaign's deliveries, oldest first.
func deliveries(t *testing.T, s *webhooks.Service, campaignID string) []webhooks.Delivery {
	t.Helper()
	list, err := s.Store.Deliveries(context.Background(), campaignID, 50)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

// TestSignedDeliveryRetriesAndReplay: an event reaches the endpoints that
// chose it, once however often it is emitted, signed so that a receiver
// following the spec accepts it; a failing receiver's attempts are logged
// with their codes until one succeeds; the last failed attempt gives up;
// replay sends the same webhook-id again.
func TestSignedDeliveryRetriesAndReplay(t *testing.T) {
	s, clk := newService(t, true)
	ctx := context.Background()
	flaky := newReceiver(t, 500, 503, 200)
	other := newReceiver(t, 200)
	ep, err := s.AddEndpoint(ctx, audit.Actor{}, "cp_1", flaky.URL+"/hooks", []webhooks.EventType{webhooks.EntryLive, webhooks.EntryWinner})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEndpoint(ctx, audit.Actor{}, "cp_1", other.URL, []webhooks.EventType{webhooks.EntryRejected}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ep.Secret, "whsec_") {
		t.Fatalf("secret %q", ep.Secret)
	}
	ev := webhooks.Event{Type: webhooks.EntryLive, CampaignID: "cp_1", Key: "en_1|live|3", Data: map[string]any{"entry_id": "en_1"}}
	for range 2 {
		if err := s.Emit(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	list := deliveries(t, s, "cp_1")
	if len(list) != 1 || list[0].EndpointID != ep.ID || list[0].Status != webhooks.Pending {
		t.Fatalf("deliveries after emitting twice: %+v", list)
	}
	id := list[0].ID
	// The worker runs the task: two failures (retried), then success.
	for i, wantErr := range []bool{true, true, false} {
		clk.t = clk.t.Add(time.Duration(i) * time.Minute)
		if err := s.Deliver(ctx, id, false); (err != nil) != wantErr {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if err := s.Deliver(ctx, id, false); err != nil {
		t.Fatalf("a delivered delivery must be left alone: %v", err)
	}
	d, _ := s.Store.Delivery(ctx, id)
	if d.Status != webhooks.Delivered || len(d.Attempts) != 3 || d.Attempts[0].StatusCode != 500 || d.Attempts[1].StatusCode != 503 || d.Attempts[2].StatusCode != 200 ||
		!strings.Contains(d.Attempts[0].Error, "500") {
		t.Fatalf("log: %+v", d)
	}
	got := flaky.requests()
	if len(got) != 3 || len(other.requests()) != 0 {
		t.Fatalf("requests: %d to the endpoint, %d to the other", len(got), len(other.requests()))
	}
	for i, r := range got {
		if r.id != d.EventID || !verify(ep.Secret, r) || verify(webhooks.NewSecret(), r) {
			t.Errorf("request %d: id %q, signature %q does not verify", i, r.id, r.sig)
		}
	}
	if ts, _ := strconv.ParseInt(got[2].ts, 10, 64); ts != clk.t.Unix() {
		t.Errorf("webhook-timestamp %d, want the attempt's time %d", ts, clk.t.Unix())
	}
	var body struct {
		Type      string
		Timestamp string
		Data      map[string]any
	}
	if err := json.Unmarshal(got[0].body, &body); err != nil || body.Type != "entry.live" || body.Data["entry_id"] != "en_1" {
		t.Errorf("payload %s", got[0].body)
	}
	// Replay: a new delivery with the same webhook-id and body.
	rp, err := s.Replay(ctx, audit.Actor{}, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(ctx, rp.ID, false); err != nil {
		t.Fatal(err)
	}
	got = flaky.requests()
	if len(got) != 4 || got[3].id != d.EventID || string(got[3].body) != string(got[0].body) || !verify(ep.Secret, got[3]) {
		t.Errorf("replay: %+v", got[len(got)-1])
	}
	// Out of retries: the last failed attempt marks the delivery failed.
	down := newReceiver(t, 500)
	ep2, _ := s.AddEndpoint(ctx, audit.Actor{}, "cp_2", down.URL, []webhooks.EventType{webhooks.EntryWinner})
	_ = s.Emit(ctx, webhooks.Event{Type: webhooks.EntryWinner, CampaignID: "cp_2", Key: "w"})
	d2 := deliveries(t, s, "cp_2")[0]
	if err := s.Deliver(ctx, d2.ID, true); err == nil {
		t.Fatal("a failed last attempt must report an error")
	}
	if d2, _ = s.Store.Delivery(ctx, d2.ID); d2.Status != webhooks.Failed || d2.EndpointID != ep2.ID {
		t.Errorf("after the last attempt: %+v", d2)
	}
	// A deleted endpoint's delivery is given up at once.
	_ = s.Emit(ctx, webhooks.Event{Type: webhooks.EntryWinner, CampaignID: "cp_2", Key: "w2"})
	_ = s.Store.DeleteEndpoint(ctx, ep2.ID)
	var pending string
	for _, d := range deliveries(t, s, "cp_2") {
		if d.Status == webhooks.Pending {
			pending = d.ID
		}
	}
	if err := s.Deliver(ctx, pending, false); !errors.Is(err, webhooks.ErrGone) {
		t.Errorf("deleted endpoint: %v", err)
	}
}

// TestRotationSignsWithBothSecretsDuringGrace: after a rotation both the
// new and the old secret verify until the grace period ends; then only
// the new one.
func TestRotationSignsWithBothSecretsDuringGrace(t *testing.T) {
	s, clk := newService(t, true)
	ctx := context.Background()
	rcv := newReceiver(t, 200)
	ep, _ := s.AddEndpoint(ctx, audit.Actor{}, "cp_r", rcv.URL, []webhooks.EventType{webhooks.MessageSent})
	rotated, err := s.Rotate(ctx, audit.Actor{}, ep.ID)
	if err != nil || rotated.Secret == ep.Secret || rotated.PrevSecret != ep.Secret {
		t.Fatalf("rotate: %+v %v", rotated, err)
	}
	send := func(key string) received {
		_ = s.Emit(ctx, webhooks.Event{Type: webhooks.MessageSent, CampaignID: "cp_r", Key: key})
		list := deliveries(t, s, "cp_r")
		if err := s.Deliver(ctx, list[len(list)-1].ID, false); err != nil {
			t.Fatal(err)
		}
		got := rcv.requests()
		return got[len(got)-1]
	}
	r := send("a")
	if strings.Count(r.sig, "v1,") != 2 || !verify(ep.Secret, r) || !verify(rotated.Secret, r) {
		t.Errorf("during grace: %q", r.sig)
	}
	clk.t = clk.t.Add(2 * time.Hour)
	r = send("b")
	if strings.Count(r.sig, "v1,") != 1 || verify(ep.Secret, r) || !verify(rotated.Secret, r) {
		t.Errorf("after grace: %q", r.sig)
	}
}

// TestPrivateAddressesRefused: private, loopback and link-local addresses
// are refused when an endpoint is saved, and again when a delivery
// connects (an endpoint that passed the check at save but resolves to
// loopback later, as after DNS rebinding, reaches nothing).
func TestPrivateAddressesRefused(t *testing.T) {
	s, _ := newService(t, false)
	ctx := context.Background()
	for _, u := range []string{"http://127.0.0.1:9/x", "http://localhost/x", "https://10.1.2.3/", "http://169.254.169.254/latest/meta-data",
		"http://[::1]/", "http://192.168.0.10/", "http://100.64.0.1/", "http://0.0.0.0/", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/"} {
		if _, err := s.AddEndpoint(ctx, audit.Actor{}, "cp_s", u, []webhooks.EventType{webhooks.EntryLive}); !errors.Is(err, webhooks.ErrPrivateURL) {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"ftp://example.com/", "https://user:pw@93.184.216.34/", "not a url", "https:///x"} {
		if _, err := s.AddEndpoint(ctx, audit.Actor{}, "cp_s", u, []webhooks.EventType{webhooks.EntryLive}); !errors.Is(err, webhooks.ErrInvalid) {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := s.AddEndpoint(ctx, audit.Actor{}, "cp_s", "https://93.184.216.34/hooks", nil); !errors.Is(err, webhooks.ErrInvalid) {
		t.Errorf("no events: %v", err)
	}
	if _, err := s.AddEndpoint(ctx, audit.Actor{}, "cp_s", "https://93.184.216.34/hooks", []webhooks.EventType{webhooks.EntryLive}); err != nil {
		t.Errorf("a public address: %v", err)
	}
	// Saved while it looked public; it now reaches a loopback receiver.
	rcv := newReceiver(t, 200)
	ep := webhooks.Endpoint{ID: "wh_rebound", CampaignID: "cp_s", URL: rcv.URL, Events: []webhooks.EventType{webhooks.EntryWinner}, Secret: webhooks.NewSecret(), CreatedAt: time.Now()}
	if err := s.Store.CreateEndpoint(ctx, ep); err != nil {
		t.Fatal(err)
	}
	_ = s.Emit(ctx, webhooks.Event{Type: webhooks.EntryWinner, CampaignID: "cp_s", Key: "x"})
	list := deliveries(t, s, "cp_s")
	if err := s.Deliver(ctx, list[0].ID, false); err == nil {
		t.Fatal("a delivery to loopback must fail")
	}
	d, _ := s.Store.Delivery(ctx, list[0].ID)
	if len(rcv.requests()) != 0 || len(d.Attempts) != 1 || !strings.Contains(d.Attempts[0].Error, "private") || d.Attempts[0].StatusCode != 0 {
		t.Errorf("connect-time refusal: %d requests, %+v", len(rcv.requests()), d.Attempts)
	}
}
