package rights

import (
	"context"
	"strings"

	"github.com/tryout/tryout/internal/entries"
)

// entriesOf lists every entry of the entrant (still found by entrant id
// after they are erased, so a repeated step finds them again).
func (d *Deleter) entriesOf(ctx context.Context, entrantID string) ([]entries.Entry, error) {
	return d.Entries.ListByEntrant(ctx, entrantID, 0)
}

// withdrawEntries takes every entry out of the contest and the gallery
// read model, and frees their slots.
func (d *Deleter) withdrawEntries(ctx context.Context, rec Deletion) error {
	list, err := d.entriesOf(ctx, rec.EntrantID)
	if err != nil {
		return err
	}
	now := d.Now()
	for _, e := range list {
		if !e.Status.Final() {
			_, err := entries.MoveWith(ctx, d.Entries, e, entries.Change{To: entries.Withdrawn, At: now, ClearUpload: e.Upload != nil,
				Reason: "The entrant deleted their account."})
			if err != nil {
				return err // moved meanwhile (a conflict): the retry withdraws it from where it is
			}
		}
		if err := d.Gallery.Remove(ctx, e.CampaignID, e.ID); err != nil {
			return err
		}
		if err := d.Gallery.DeleteDays(ctx, e.ID, e.CreatedAt, now); err != nil {
			return err
		}
		if err := d.Slots.Release(ctx, e.ID); err != nil {
			return err
		}
	}
	return nil
}

// removeFiles deletes every stored object of every entry: the originals
// (and any unfinished upload) under the entry's prefix in the originals
// bucket, and renditions, posters, sprites, previews and captions under
// its prefix in the renditions bucket.
func (d *Deleter) removeFiles(ctx context.Context, rec Deletion) error {
	list, err := d.entriesOf(ctx, rec.EntrantID)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return nil
	}
	// MinIO lists unfinished uploads only without a prefix: list them all
	// once and keep the entrant's.
	pending, err := d.Blobs.ListPending(ctx, d.OriginalsBucket, "")
	if err != nil {
		return err
	}
	for _, e := range list {
		orig := entries.OriginalsPrefix(e)
		for _, u := range pending {
			if strings.HasPrefix(u.Key, orig) {
				if err := d.Blobs.AbortMultipart(ctx, d.OriginalsBucket, u.Key, u.UploadID); err != nil {
					return err
				}
			}
		}
		if _, err := d.Blobs.RemovePrefix(ctx, d.OriginalsBucket, orig); err != nil {
			return err
		}
		if _, err := d.Blobs.RemovePrefix(ctx, d.RenditionsBucket, entries.RenditionsPrefix(e)); err != nil {
			return err
		}
	}
	return nil
}

func (d *Deleter) eraseEntries(ctx context.Context, rec Deletion) error {
	list, err := d.entriesOf(ctx, rec.EntrantID)
	if err != nil {
		return err
	}
	for _, e := range list {
		if err := d.Entries.Erase(ctx, e.ID, d.Now()); err != nil {
			return err
		}
	}
	return nil
}

// anonymizeVotes hands the entrant's ballots to the anonymous voter. The
// vote journal is drained first, so none of theirs reaches MongoDB later.
func (d *Deleter) anonymizeVotes(ctx context.Context, rec Deletion) error {
	if d.DrainVotes != nil {
		if err := d.DrainVotes(ctx); err != nil {
			return err
		}
	}
	_, err := d.Ballots.Anonymize(ctx, "e:"+rec.EntrantID, rec.Anon)
	return err
}

func (d *Deleter) scrubMessages(ctx context.Context, rec Deletion) error {
	list, err := d.entriesOf(ctx, rec.EntrantID)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(list))
	for _, e := range list {
		ids = append(ids, e.ID)
	}
	who, err := d.Entrants.Get(ctx, rec.EntrantID) // the profile step, later, erases the address
	if err != nil {
		return err
	}
	if _, err := d.Outbox.Scrub(ctx, rec.EntrantID, who.Email, rec.Anon, ids); err != nil {
		return err
	}
	if _, err := d.Replies.Scrub(ctx, rec.EntrantID, rec.Anon); err != nil {
		return err
	}
	if _, err := d.Broadcasts.ScrubEntrant(ctx, rec.EntrantID, rec.Anon); err != nil {
		return err
	}
	if d.WebhookLog != nil {
		_, err = d.WebhookLog.ScrubEntrant(ctx, rec.EntrantID)
	}
	return err
}

func (d *Deleter) anonymizeLinks(ctx context.Context, rec Deletion) error {
	if _, err := d.Shares.ReplaceSharer(ctx, "e:"+rec.EntrantID, rec.Anon); err != nil {
		return err
	}
	if _, err := d.Perks.ReplaceEntrant(ctx, rec.EntrantID, rec.Anon); err != nil {
		return err
	}
	_, err := d.Reports.ScrubReporter(ctx, rec.EntrantID, rec.Anon)
	return err
}

// tellWebhooks emits entrant.deleted to the endpoints of every campaign the
// entrant entered, while their email is still known (a CRM keys people by
// it). Deliveries are keyed by the entrant, so a retried step sends none
// twice.
func (d *Deleter) tellWebhooks(ctx context.Context, rec Deletion) error {
	if d.Webhooks == nil {
		return nil
	}
	e, err := d.Entrants.Get(ctx, rec.EntrantID)
	if err != nil {
		return err
	}
	list, err := d.entriesOf(ctx, rec.EntrantID)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var campaigns []string
	for _, en := range list {
		if !seen[en.CampaignID] {
			seen[en.CampaignID] = true
			campaigns = append(campaigns, en.CampaignID)
		}
	}
	return d.Webhooks.EntrantDeleted(ctx, campaigns, rec.EntrantID, e.Email)
}
