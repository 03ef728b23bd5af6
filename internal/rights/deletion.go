package rights

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
)

// Deleter requests and runs account deletions.
type Deleter struct {
	Records  Store
	Entrants interface {
		Get(ctx context.Context, id string) (entrants.Entrant, error)
		Tombstone(ctx context.Context, id string, at time.Time) error
	}
	// Entries is the gallery-synced store, so a withdrawn live entry leaves
	// the gallery at once.
	Entries interface {
		entries.Store
		Erase(ctx context.Context, id string, at time.Time) error
	}
	Slots   entries.Slots
	Gallery interface {
		Remove(ctx context.Context, campaignID, id string) error
		DeleteDays(ctx context.Context, id string, since, until time.Time) error
	}
	Blobs interface {
		RemovePrefix(ctx context.Context, bucket, prefix string) (int, error)
		ListPending(ctx context.Context, bucket, prefix string) ([]blob.PendingUpload, error)
		AbortMultipart(ctx context.Context, bucket, key, uploadID string) error
	}
	OriginalsBucket, RenditionsBucket string
	Ballots                           interface {
		Anonymize(ctx context.Context, voter, anon string) (int, error)
	}
	// DrainVotes moves journaled ballots to MongoDB first, so none of the
	// entrant's is left to arrive after the ballots are anonymized.
	DrainVotes func(ctx context.Context) error
	Outbox     interface {
		Scrub(ctx context.Context, entrantID, email, anon string, entryIDs []string) (int64, error)
	}
	Replies interface {
		Scrub(ctx context.Context, entrantID, anon string) (int64, error)
	}
	Broadcasts interface {
		ScrubEntrant(ctx context.Context, entrantID, anon string) (int64, error)
	}
	Shares interface {
		ReplaceSharer(ctx context.Context, from, to string) (int64, error)
	}
	Perks interface {
		ReplaceEntrant(ctx context.Context, from, to string) (int64, error)
	}
	Reports interface {
		ScrubReporter(ctx context.Context, reporter, anon string) (int64, error)
	}
	Guardians interface {
		DeleteByEntrant(ctx context.Context, entrantID string) error
	}
	Sessions interface {
		Revoke(ctx context.Context, entrantID string) error
	}
	// Webhooks tells the campaigns' endpoints (their CRMs) that the
	// entrant was deleted, before the email is erased; nil tells none.
	Webhooks interface {
		EntrantDeleted(ctx context.Context, campaignIDs []string, entrantID, email string) error
	}
	// WebhookLog erases the payloads of the events about the entrant
	// already sent or waiting (entrant.deleted is erased once delivered).
	WebhookLog interface {
		ScrubEntrant(ctx context.Context, entrantID string) (int64, error)
	}
	Audit *audit.Recorder
	Queue interface {
		EnqueueDeletion(ctx context.Context, entrantID string) error
	}
	Now func() time.Time
	Log *slog.Logger
	// BeforeStep, when set, runs before each step and can fail it (tests
	// use it to stop a deletion midway).
	BeforeStep func(ctx context.Context, step string) error
}

// Request records that the entrant's account is to be deleted, ends their
// sessions and queues the work. Asking again returns the same record and
// queues it again (harmless: the task runs once at a time and resumes).
func (d *Deleter) Request(ctx context.Context, entrantID string, who Actor) (Deletion, error) {
	if _, err := d.Entrants.Get(ctx, entrantID); err != nil {
		return Deletion{}, err
	}
	rec, created, err := d.Records.Create(ctx, Deletion{EntrantID: entrantID, By: who.by(), RequestedAt: d.Now(), Anon: ids.New("x:anon_")})
	if err != nil {
		return Deletion{}, err
	}
	if created {
		d.audit(ctx, who, "entrant.delete_requested", entrantID)
	}
	if rec.Status == Done {
		return rec, nil
	}
	if err := d.Sessions.Revoke(ctx, entrantID); err != nil {
		d.Log.Error("rights: sessions not ended; the deletion ends them", "entrant", entrantID, "err", err)
	}
	if err := d.Queue.EnqueueDeletion(ctx, entrantID); err != nil {
		return rec, fmt.Errorf("rights: queue deletion: %w", err)
	}
	return rec, nil
}

// step is one idempotent part of a deletion.
type step struct {
	name string
	run  func(ctx context.Context, rec Deletion) error
}

func (d *Deleter) steps() []step {
	return []step{
		{"sessions", func(ctx context.Context, rec Deletion) error { return d.Sessions.Revoke(ctx, rec.EntrantID) }},
		{"webhooks", d.tellWebhooks},
		{"entries", d.withdrawEntries},
		{"storage", d.removeFiles},
		{"erase_entries", d.eraseEntries},
		{"votes", d.anonymizeVotes},
		{"messages", d.scrubMessages},
		{"links", d.anonymizeLinks},
		{"guardians", func(ctx context.Context, rec Deletion) error { return d.Guardians.DeleteByEntrant(ctx, rec.EntrantID) }},
		{"profile", func(ctx context.Context, rec Deletion) error {
			return d.Entrants.Tombstone(ctx, rec.EntrantID, d.Now())
		}},
	}
}

// Steps names the deletion's steps in order.
func (d *Deleter) Steps() []string {
	var out []string
	for _, s := range d.steps() {
		out = append(out, s.name)
	}
	return out
}

// Run carries a deletion out, skipping the steps already done. A failure
// is recorded and returned (the task retries and resumes there).
func (d *Deleter) Run(ctx context.Context, entrantID string) error {
	rec, err := d.Records.Get(ctx, entrantID)
	if err != nil {
		return err
	}
	if rec.Status == Done {
		return nil
	}
	for _, s := range d.steps() {
		if slices.Contains(rec.Steps, s.name) {
			continue
		}
		err := d.runStep(ctx, s, rec)
		if err != nil {
			if ferr := d.Records.Failed(context.WithoutCancel(ctx), entrantID, s.name); ferr != nil {
				d.Log.Error("rights: could not record the failed step", "entrant", entrantID, "err", ferr)
			}
			return fmt.Errorf("rights: delete %s: step %s: %w", entrantID, s.name, err)
		}
		if err := d.Records.StepDone(ctx, entrantID, s.name); err != nil {
			return err
		}
	}
	if err := d.Records.Finish(ctx, entrantID, d.Now()); err != nil {
		return err
	}
	d.audit(ctx, Actor{ID: "system", Email: "tryout", Role: "system"}, "entrant.deleted", entrantID)
	d.Log.Info("rights: account deleted", "entrant", entrantID)
	return nil
}

func (d *Deleter) runStep(ctx context.Context, s step, rec Deletion) error {
	if d.BeforeStep != nil {
		if err := d.BeforeStep(ctx, s.name); err != nil {
			return err
		}
	}
	return s.run(ctx, rec)
}

// audit records that a deletion was asked for or finished: never what was
// deleted.
func (d *Deleter) audit(ctx context.Context, who Actor, action, entrantID string) {
	d.Audit.Record(ctx, audit.Actor(who), action, entrantID, nil, nil)
}

// IsLinkError reports whether err is one of the deletion link refusals.
func IsLinkError(err error) bool {
	return errors.Is(err, ErrLinkInvalid) || errors.Is(err, ErrLinkExpired) || errors.Is(err, ErrLinkUsed)
}
