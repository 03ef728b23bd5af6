package web

import (
	"net/url"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/i18n"
)

// action is the one next thing an entrant can do with their entry, as a
// link (My entries shows the same, from me.js).
type action struct{ Label, URL string }

// nextAction says what to do at each status: upload or resume while the
// video is missing, upload again after a failure or a request for
// changes, share once live, and otherwise follow it from My entries or
// go back to the campaign.
func nextAction(e entries.Entry, cp campaigns.Campaign) action {
	enter := "/c/" + url.PathEscape(cp.Slug) + "?entry=" + url.QueryEscape(e.ID)
	switch e.Status {
	case entries.Draft:
		return action{i18n.Mark("Upload your video"), enter}
	case entries.Uploading:
		return action{i18n.Mark("Resume the upload"), enter}
	case entries.NeedsChanges, entries.Failed:
		return action{i18n.Mark("Upload a new video"), enter}
	case entries.Live:
		return action{i18n.Mark("Share it"), "#share-box"}
	case entries.Received, entries.Processing, entries.InReview:
		return action{i18n.Mark("See all my entries"), "/me"}
	}
	return action{i18n.Mark("See the campaign"), "/c/" + url.PathEscape(cp.Slug)}
}
