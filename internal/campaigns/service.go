package campaigns

import (
	"bytes"
	"context"
	"io"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/messages"
)

// Objects keeps campaign logos (blob.Store).
type Objects interface {
	Put(ctx context.Context, bucket, key string, r io.Reader, size int64, contentType string) (int64, error)
	Remove(ctx context.Context, bucket, key string) error
}

// Logo is a new logo for a campaign, already checked by the edge (type by
// content, size).
type Logo struct {
	Data []byte
	Type string // its MIME type
}

// LogoChange is what an edit does to the logo.
type LogoChange struct {
	New    *Logo // store this one; nil: keep or remove
	Remove bool  // drop the logo (when New is nil)
}

// Service creates and edits campaigns: it stores a new logo, saves the
// campaign, takes the logo back when nothing was saved, and records the
// change in the audit log. Validation of a campaign is the caller's
// (Validate); a message template is checked here.
type Service struct {
	Store  Store
	Logos  Objects
	Bucket string // where logos go (the public renditions bucket)
	Audit  *audit.Recorder
}

// Create saves a new campaign (with its logo) and records who made it. A
// taken slug is ErrSlugTaken; nothing is kept then.
func (s *Service) Create(ctx context.Context, who audit.Actor, c Campaign, logo LogoChange) (Campaign, error) {
	c, err := s.save(ctx, c, logo, s.Store.Create)
	if err != nil {
		return c, err
	}
	s.Audit.Record(ctx, who, "campaign.create", c.ID, nil, Fields(c))
	return c, nil
}

// Update saves an edit of before and records what changed.
func (s *Service) Update(ctx context.Context, who audit.Actor, before, c Campaign, logo LogoChange) (Campaign, error) {
	c, err := s.save(ctx, c, logo, s.Store.Update)
	if err != nil {
		return c, err
	}
	b, a := audit.Changed(Fields(before), Fields(c))
	s.Audit.Record(ctx, who, "campaign.update", c.ID, b, a)
	return c, nil
}

// MessageEdit is a change to one stage's message: its new template, or a
// return to the default one (Reset).
type MessageEdit struct {
	Stage    messages.Stage
	Template messages.Template
	Reset    bool
}

// SetMessage saves one stage's message of c (leaving the campaign's other
// own messages as they are) with the vote milestones, and records who did
// it. A template that cannot be used is refused (messages.ErrTemplate)
// and nothing is saved.
func (s *Service) SetMessage(ctx context.Context, who audit.Actor, c Campaign, edit MessageEdit, milestones []int) error {
	set := messages.Set{}
	for k, v := range c.OwnMessages() {
		set[k] = v
	}
	reset := ""
	if edit.Reset {
		delete(set, edit.Stage)
		reset = "1"
	} else {
		if err := edit.Template.Validate(); err != nil {
			return err
		}
		set[edit.Stage] = edit.Template
	}
	if err := s.Store.SetMessages(ctx, c.ID, c.Lang(), set, milestones); err != nil {
		return err
	}
	s.Audit.Record(ctx, who, "campaign.messages", c.ID, nil, map[string]string{"stage": string(edit.Stage), "reset": reset})
	return nil
}

// save stores the new logo under a fresh key, then the campaign; if the
// campaign is not saved, the new logo is removed (nothing saved, nothing
// kept).
func (s *Service) save(ctx context.Context, c Campaign, logo LogoChange, put func(context.Context, Campaign) error) (Campaign, error) {
	newKey := ""
	switch {
	case logo.New != nil:
		newKey = "campaigns/" + c.ID + "/logo-" + ids.New("")[:12]
		if _, err := s.Logos.Put(ctx, s.Bucket, newKey, bytes.NewReader(logo.New.Data), int64(len(logo.New.Data)), logo.New.Type); err != nil {
			return c, err
		}
		c.LogoKey = newKey
	case logo.Remove:
		c.LogoKey = ""
	}
	if err := put(ctx, c); err != nil {
		if newKey != "" {
			_ = s.Logos.Remove(context.WithoutCancel(ctx), s.Bucket, newKey)
		}
		return c, err
	}
	return c, nil
}
