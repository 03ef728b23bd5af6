package webhooks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/ids"

	"github.com/tryout/tryout/internal/problem"
)

// Queue sends a delivery through the task queue.
type Queue interface {
	EnqueueWebhook(ctx context.Context, deliveryID string) error
}

// Service saves endpoints, records events and delivers them.
type Service struct {
	Store    Store
	Queue    Queue
	Client   *http.Client // NewClient
	Resolver Resolver     // for CheckURL; net.DefaultResolver in production
	// AllowPrivate lets endpoints be on private networks (tests).
	AllowPrivate bool
	// Grace is how long a rotated-out secret still signs.
	Grace time.Duration
	Now   func() time.Time
	// Audit records staff changes to endpoints and replays; nil records
	// nothing.
	Audit *audit.Recorder
	cache endpointCache
}

// Event is something that happened in a campaign. Key makes it idempotent:
// the same key is the same event (the same webhook-id), recorded once per
// endpoint however often it is emitted.
type Event struct {
	Type       EventType
	CampaignID string
	Key        string
	Data       map[string]any
	// EntrantID names the entrant the event is about ("": none), so their
	// deliveries can be exported and erased with the rest of their data.
	EntrantID string
}

// eventID is the webhook-id of an event: derived from its key.
func eventID(ev Event) string {
	sum := sha256.Sum256([]byte(string(ev.Type) + "|" + ev.CampaignID + "|" + ev.Key))
	return "msg_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:16]))
}

// AddEndpoint validates and saves a new endpoint with a fresh secret;
// audited as who's webhook.add.
func (s *Service) AddEndpoint(ctx context.Context, who audit.Actor, campaignID, rawURL string, events []EventType) (Endpoint, error) {
	u, err := CheckURL(ctx, strings.TrimSpace(rawURL), s.AllowPrivate, s.Resolver)
	if err != nil {
		return Endpoint{}, err
	}
	var chosen []EventType
	for _, t := range EventTypes {
		if slices.Contains(events, t) {
			chosen = append(chosen, t)
		}
	}
	if len(chosen) == 0 {
		return Endpoint{}, problem.New(ErrInvalid, "Choose at least one event.")
	}
	e := Endpoint{ID: ids.New("wh_"), CampaignID: campaignID, URL: u.String(), Events: chosen, Secret: NewSecret(), CreatedAt: s.Now().UTC()}
	defer s.forget(campaignID)
	if err := s.Store.CreateEndpoint(ctx, e); err != nil {
		return e, err
	}
	s.Audit.Record(ctx, who, "webhook.add", campaignID, nil, map[string]string{"endpoint": e.ID, "url": e.URL})
	return e, nil
}

// Rotate gives the endpoint a new secret; the old one keeps signing for
// the grace period, so receivers can switch without missing a message.
// Audited as who's webhook.rotate.
func (s *Service) Rotate(ctx context.Context, who audit.Actor, id string) (Endpoint, error) {
	e, err := s.Store.Endpoint(ctx, id)
	if err != nil {
		return e, err
	}
	e.PrevSecret, e.PrevUntil, e.Secret = e.Secret, s.Now().Add(s.Grace).UTC(), NewSecret()
	defer s.forget(e.CampaignID)
	if err := s.Store.SetSecrets(ctx, id, e.Secret, e.PrevSecret, e.PrevUntil); err != nil {
		return e, err
	}
	s.Audit.Record(ctx, who, "webhook.rotate", e.CampaignID, nil, map[string]string{"endpoint": e.ID})
	return e, nil
}

// Emit records the event for every endpoint of its campaign that chose its
// type and queues the deliveries. Emitting an event again records nothing
// new (the delivery id comes from the endpoint and the event id) but
// queues a pending delivery again, in case the first queueing failed.
func (s *Service) Emit(ctx context.Context, ev Event) error {
	eps, err := s.endpoints(ctx, ev.CampaignID)
	if err != nil {
		return err
	}
	id := eventID(ev)
	now := s.Now().UTC()
	body, err := json.Marshal(map[string]any{"type": ev.Type, "timestamp": now.Format(time.RFC3339), "data": ev.Data})
	if err != nil {
		return fmt.Errorf("webhooks: payload: %w", err)
	}
	var errs []error
	for _, ep := range eps {
		if !ep.Wants(ev.Type) {
			continue
		}
		d := Delivery{ID: "wd_" + strings.TrimPrefix(eventID(Event{Type: ev.Type, CampaignID: ep.ID, Key: id}), "msg_"), EndpointID: ep.ID,
			CampaignID: ev.CampaignID, EventID: id, Type: ev.Type, Body: body, Status: Pending, CreatedAt: now, EntrantID: ev.EntrantID}
		if err := s.Store.InsertDelivery(ctx, d); err != nil && !errors.Is(err, ErrDuplicate) {
			errs = append(errs, err)
			continue
		} else if err != nil {
			if old, gerr := s.Store.Delivery(ctx, d.ID); gerr != nil || old.Status != Pending {
				continue
			}
		}
		if err := s.Queue.EnqueueWebhook(ctx, d.ID); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// EntrantDeleted tells the campaigns an entrant took part in that their
// data was deleted, so a CRM can delete its copy. For the data-rights
// work: call it once the deletion is done.
func (s *Service) EntrantDeleted(ctx context.Context, campaignIDs []string, entrantID, email string) error {
	var errs []error
	for _, cid := range campaignIDs {
		errs = append(errs, s.Emit(ctx, Event{Type: EntrantDeleted, CampaignID: cid, Key: "entrant|" + entrantID, EntrantID: entrantID,
			Data: map[string]any{"campaign_id": cid, "entrant_id": entrantID, "entrant_email": email}}))
	}
	return errors.Join(errs...)
}

// Replay queues the delivery's event again as a new delivery with the same
// webhook-id and body, freshly timed and signed; audited as who's
// webhook.replay once queued.
func (s *Service) Replay(ctx context.Context, who audit.Actor, deliveryID string) (Delivery, error) {
	old, err := s.Store.Delivery(ctx, deliveryID)
	if err != nil {
		return Delivery{}, err
	}
	d := Delivery{ID: ids.New("wd_"), EndpointID: old.EndpointID, CampaignID: old.CampaignID, EventID: old.EventID, Type: old.Type,
		Body: old.Body, Status: Pending, ReplayOf: old.ID, CreatedAt: s.Now().UTC(), EntrantID: old.EntrantID}
	if err := s.Store.InsertDelivery(ctx, d); err != nil {
		return Delivery{}, err
	}
	if err := s.Queue.EnqueueWebhook(ctx, d.ID); err != nil {
		return d, err
	}
	s.Audit.Record(ctx, who, "webhook.replay", d.CampaignID, nil, map[string]string{"delivery": d.ID, "replays": d.ReplayOf})
	return d, nil
}

// ErrGone says a delivery can never be made (its endpoint was deleted).
var ErrGone = errors.New("webhooks: endpoint deleted")

// Deliver makes one attempt at a delivery and logs it. A delivery already
// made (or given up) is left alone, so a repeated task sends nothing. A
// failed attempt returns an error for the task to retry; on the last one
// the delivery is marked failed.
func (s *Service) Deliver(ctx context.Context, id string, last bool) error {
	d, err := s.Store.Delivery(ctx, id)
	if err != nil || d.Status != Pending {
		return err
	}
	ep, err := s.Store.Endpoint(ctx, d.EndpointID)
	if errors.Is(err, ErrNotFound) {
		_ = s.Store.AddAttempt(ctx, id, Attempt{At: s.Now().UTC(), Error: "the endpoint was deleted"}, Failed, d.Type == EntrantDeleted)
		return ErrGone
	}
	if err != nil {
		return err
	}
	a := s.attempt(ctx, ep, d)
	status := Pending
	switch {
	case a.Error == "":
		status = Delivered
	case last:
		status = Failed
	}
	// The deleted entrant's email was kept only to tell this endpoint: it
	// goes in the same update that ends the delivery.
	if err := s.Store.AddAttempt(ctx, id, a, status, d.Type == EntrantDeleted && status != Pending); err != nil {
		return err
	}
	if a.Error != "" {
		return fmt.Errorf("webhooks: delivery %s: %s", id, a.Error)
	}
	return nil
}

// attempt POSTs the delivery's body, signed, and reports what came back.
func (s *Service) attempt(ctx context.Context, ep Endpoint, d Delivery) Attempt {
	now := s.Now()
	a := Attempt{At: now.UTC()}
	sig, err := Sign(d.EventID, now, d.Body, ep.signers(now)...)
	if err != nil {
		a.Error = "the endpoint's secret is broken: rotate it"
		return a
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(d.Body))
	if err != nil {
		a.Error = "the endpoint's address is not usable"
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Tryout-Webhooks/1")
	req.Header.Set("webhook-id", d.EventID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	start := time.Now()
	res, err := s.Client.Do(req)
	a.DurationMS = time.Since(start).Milliseconds()
	if err != nil {
		a.Error = connectError(err)
		return a
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	a.StatusCode = res.StatusCode
	if res.StatusCode < 200 || res.StatusCode > 299 {
		a.Error = "the endpoint answered " + strconv.Itoa(res.StatusCode) + " " + http.StatusText(res.StatusCode)
	}
	return a
}

// connectError says why no response came, in words for the delivery log.
func connectError(err error) string {
	switch {
	case errors.Is(err, ErrPrivateURL):
		return "refused: the address resolved to a private, loopback or link-local network"
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout"):
		return "no answer in time"
	}
	return "could not connect"
}
