package admin

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/staff"
)

// queueItem is one entry waiting for a decision.
type queueItem struct {
	E        entries.Entry
	Campaign string
	Risk     int // number of automatic findings
}

// queue lists entries in review, oldest first or riskiest first, for one
// campaign or all.
func (a *Admin) queue(c *gin.Context) ([]queueItem, error) {
	list, err := a.Entries.ListWaiting(c, c.Query("campaign"), entries.InReview, 500)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	items := make([]queueItem, 0, len(list))
	for _, e := range list {
		name, ok := names[e.CampaignID]
		if !ok {
			if cp, err := a.Campaigns.Get(c, e.CampaignID); err == nil {
				name = cp.Name
			}
			names[e.CampaignID] = name
		}
		items = append(items, queueItem{E: e, Campaign: name, Risk: len(e.Findings)})
	}
	if c.Query("sort") == "risk" {
		sort.SliceStable(items, func(i, j int) bool { return items[i].Risk > items[j].Risk })
	}
	return items, nil
}

// nextInQueue is the id of the entry at the head of the queue ("" when it
// is empty). Oldest first needs one entry, not the whole queue.
func (a *Admin) nextInQueue(c *gin.Context) (string, error) {
	if c.Query("sort") == "risk" {
		items, err := a.queue(c)
		if err != nil || len(items) == 0 {
			return "", err
		}
		return items[0].E.ID, nil
	}
	list, err := a.Entries.ListWaiting(c, c.Query("campaign"), entries.InReview, 1)
	if err != nil || len(list) == 0 {
		return "", err
	}
	return list[0].ID, nil
}

func (a *Admin) queuePage(c *gin.Context) {
	items, err := a.queue(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render(c, http.StatusOK, "queue.html", map[string]any{"Items": items, "Sort": c.Query("sort"), "Campaign": c.Query("campaign"),
		"Done": c.Query("done"), "Problem": c.Query("problem"), "Query": queueQuery(c)})
}

// queueQuery keeps the queue's filter and order across pages.
func queueQuery(c *gin.Context) string {
	q := url.Values{}
	if v := c.Query("campaign"); v != "" {
		q.Set("campaign", v)
	}
	if v := c.Query("sort"); v == "risk" {
		q.Set("sort", v)
	}
	return q.Encode()
}

// entryPage shows one entry for review: player, poster, facts, findings
// with time codes, history, who did what, and the decision forms.
func (a *Admin) entryPage(c *gin.Context) {
	a.showEntry(c, http.StatusOK, "")
}

// routeEntry loads the entry the route names, or answers the request
// itself (the no-such-entry page, or the failure) and returns false.
func (a *Admin) routeEntry(c *gin.Context) (entries.Entry, bool) {
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		a.noEntry(c)
		return entries.Entry{}, false
	}
	e, err := a.Entries.Get(c, id)
	if errors.Is(err, entries.ErrNotFound) {
		a.noEntry(c)
		return entries.Entry{}, false
	}
	if err != nil {
		a.fail(c, err)
		return entries.Entry{}, false
	}
	return e, true
}

func (a *Admin) showEntry(c *gin.Context, status int, problem string) {
	e, ok := a.routeEntry(c)
	if !ok {
		return
	}
	cp, _ := a.Campaigns.Get(c, e.CampaignID)
	who, _ := a.Entrants.Get(c, e.EntrantID)
	log, err := a.Audit.List(c, e.ID, 50)
	if err != nil {
		a.fail(c, err)
		return
	}
	items, err := a.queue(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	prev, next := neighbours(items, e.ID)
	media := func(key string) string {
		if e.Renditions == nil || key == "" {
			return ""
		}
		return "/admin/media/" + e.ID + "/" + strings.TrimPrefix(key, e.Renditions.Prefix)
	}
	var play, poster string
	if r := e.Renditions; r != nil {
		play, poster = media(r.Master), media(r.Poster)
		if !r.Ready() {
			play = media(r.FirstPlayable)
		}
	}
	var winner *campaigns.Winner
	if ws, err := a.Winners.Winners(c, e.CampaignID); err == nil {
		for _, w := range ws {
			if w.EntryID == e.ID {
				winner = &w
			}
		}
	}
	// Judges of a blind campaign see the video, not who made it or what
	// other staff did with it (scores, votes).
	u := c.MustGet(userKey).(staff.User)
	blind := u.Role == staff.Judge && a.Judging != nil && a.Judging.Blind(c, e.CampaignID)
	if blind {
		who, log = entrants.Entrant{}, nil
	}
	a.render(c, status, "review.html", map[string]any{"Winner": winner, "Captions": media(e.Captions), "Blind": blind, "Evidence": a.evidence(c, e, poster),
		"E": e, "Campaign": cp, "Entrant": who, "Audit": log, "Play": play, "Poster": poster,
		"Seen": e.UpdatedAt.UTC().Format(time.RFC3339Nano), "Templates": templatesFor(cp),
		"Prev": prev, "Next": next, "Query": queueQuery(c), "Problem": problem, "Done": c.Query("done"),
		"Reason": c.PostForm("reason"), "Decision": c.PostForm("decision"),
	})
}

// noEntry answers for an entry id that does not exist.
func (a *Admin) noEntry(c *gin.Context) {
	a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "No such entry", "Message": "There is no entry at this address."})
}

// neighbours finds the entries before and after id in the queue.
func neighbours(items []queueItem, id string) (prev, next string) {
	for i, it := range items {
		if it.E.ID != id {
			continue
		}
		if i > 0 {
			prev = items[i-1].E.ID
		}
		if i+1 < len(items) {
			next = items[i+1].E.ID
		}
		return prev, next
	}
	if len(items) > 0 {
		next = items[0].E.ID
	}
	return prev, next
}

// decide applies a moderator's decision, then opens the next entry in the
// queue. A missing reason or a decision someone else already made is
// refused with the page shown again and nothing changed.
func (a *Admin) decide(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	seen, _ := time.Parse(time.RFC3339Nano, c.PostForm("seen"))
	if seen.IsZero() {
		a.showEntry(c, http.StatusBadRequest, "This form is missing the version of the entry you saw. Reload the page and decide again.")
		return
	}
	d := moderation.Decision(c.PostForm("decision"))
	e, err := a.Moderation.Decide(c, actor(u), c.Param("id"), d, c.PostForm("reason"), seen)
	switch {
	case errors.Is(err, moderation.ErrReasonRequired):
		a.showEntry(c, http.StatusUnprocessableEntity, "Write a reason for the entrant (pick a template and edit it if you like). Nothing was changed.")
		return
	case errors.Is(err, moderation.ErrAlreadyDecided):
		a.showEntry(c, http.StatusConflict, "Someone else changed this entry while you were looking at it (it is now "+e.Status.Label()+"). Nothing was changed: check it again.")
		return
	case errors.Is(err, entries.ErrGuardianPending):
		a.showEntry(c, http.StatusConflict, "The entrant's parent or guardian has not consented yet, so this entry cannot go live. It stays in review; approve it once they have. Nothing was changed.")
	case errors.Is(err, moderation.ErrNotPlayable):
		a.showEntry(c, http.StatusConflict, "This entry has no playable video, so it cannot go live. Ask for changes (the entrant can upload a new video) or reject it. Nothing was changed.")
		return
	case errors.Is(err, moderation.ErrUnknownDecision), errors.Is(err, entries.ErrIllegalTransition):
		a.showEntry(c, http.StatusBadRequest, "That decision is not possible for this entry. Nothing was changed.")
		return
	case errors.Is(err, entries.ErrNotFound):
		a.noEntry(c)
		return
	case err != nil:
		a.fail(c, err)
		return
	}
	done := url.QueryEscape(doneText(d, e.Title))
	if next, err := a.nextInQueue(c); err == nil && next != "" {
		c.Redirect(http.StatusSeeOther, "/admin/entries/"+next+"?done="+done+amp(queueQuery(c)))
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/queue?done="+done+amp(queueQuery(c)))
}

func amp(q string) string {
	if q == "" {
		return ""
	}
	return "&" + q
}

func doneText(d moderation.Decision, title string) string {
	switch d {
	case moderation.Approve:
		return "Approved “" + title + "”: it is live and the entrant was told."
	case moderation.Reject:
		return "Rejected “" + title + "”; the entrant was told why."
	case moderation.Changes:
		return "Asked for changes to “" + title + "”; the entrant got your note and a link to upload again."
	}
	return "Took down “" + title + "”; the entrant was told why."
}

// bulkApprove approves every checked entry that is still as the moderator
// saw it; the others are reported, not changed.
func (a *Admin) bulkApprove(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	approved, skipped, guardian := 0, 0, 0
	for _, v := range c.PostFormArray("entry") {
		id, at, _ := strings.Cut(v, "@")
		seen, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			skipped++
			continue
		}
		if _, err := a.Moderation.Decide(c, actor(u), id, moderation.Approve, "", seen); errors.Is(err, entries.ErrGuardianPending) {
			guardian++
			continue
		} else if err != nil {
			if !errors.Is(err, moderation.ErrAlreadyDecided) && !errors.Is(err, entries.ErrNotFound) && !errors.Is(err, moderation.ErrNotPlayable) {
				a.Log.Error("admin: bulk approve", "entry", id, "err", err)
			}
			skipped++
			continue
		}
		approved++
	}
	msg := plural(approved, "entry", "entries") + " approved."
	if skipped > 0 {
		msg += " " + plural(skipped, "entry was", "entries were") + " not changed because someone else decided first or there is no playable video; check them again."
	}
	if guardian > 0 {
		msg += " " + plural(guardian, "entry waits", "entries wait") + " for a parent or guardian's consent and stayed in review."
	}
	c.Redirect(http.StatusSeeOther, "/admin/queue?done="+url.QueryEscape(msg)+amp(queueQuery(c)))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// media streams an entry's files to staff, never cached by shared caches.
func (a *Admin) media(c *gin.Context) {
	e, err := a.Entries.Get(c, c.Param("id"))
	if err != nil || e.Renditions == nil {
		a.fail(c, httpx.E(http.StatusNotFound, "media_not_found", "There is no such video file."))
		return
	}
	key, access := e.MediaFile(strings.TrimPrefix(c.Param("file"), "/"), e.EntrantID) // staff see what the entrant sees
	if access == entries.NoAccess {
		a.fail(c, httpx.E(http.StatusNotFound, "media_not_found", "There is no such video file."))
		return
	}
	o, err := a.Media.Open(c, a.RenditionsBucket, key)
	if err != nil {
		a.fail(c, httpx.E(http.StatusNotFound, "media_not_found", "There is no such video file."))
		return
	}
	defer o.Close()
	httpx.ServeObject(c, o, "private, no-store")
}

func actor(u staff.User) moderation.Actor {
	return moderation.Actor{ID: u.ID, Email: u.Email, Role: string(u.Role)}
}

// templatesFor is the campaign's own reject reasons, or the built-in ones.
func templatesFor(cp campaigns.Campaign) []string {
	if len(cp.ReasonTemplates) > 0 {
		return cp.ReasonTemplates
	}
	return moderation.ReasonTemplates
}

// pickWinner sets or removes a live entry's place among the campaign's
// winners (owners only); audited, public on the winners page at once.
func (a *Admin) pickWinner(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	e, ok := a.routeEntry(c)
	if !ok {
		return
	}
	if c.PostForm("action") == "remove" {
		if err := a.Judging.RemoveWinner(c, staffActor(u), e); err != nil {
			a.fail(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/admin/entries/"+e.ID+"?done="+url.QueryEscape("Removed “"+e.Title+"” from the winners."))
		return
	}
	place, _ := strconv.Atoi(c.PostForm("place"))
	w, err := a.Judging.SetWinner(c, staffActor(u), e, place, c.PostForm("prize"))
	var fe campaigns.FieldErrors
	switch {
	case errors.Is(err, judging.ErrNotLive):
		a.showEntry(c, http.StatusConflict, "Only a live entry can win: this one is "+e.Status.Label()+". Nothing was changed.")
		return
	case errors.As(err, &fe):
		msg := []string{}
		for k, v := range fe {
			msg = append(msg, k+" "+v)
		}
		a.showEntry(c, http.StatusUnprocessableEntity, "The winner was not saved: "+strings.Join(msg, "; ")+".")
		return
	case err != nil:
		a.fail(c, err)
		return
	}
	done := url.QueryEscape("“" + e.Title + "” is a winner (place " + strconv.Itoa(w.Place) + ").")
	if back := c.PostForm("back"); strings.HasPrefix(back, "/admin/rounds/") && safeNext(back) == back && !strings.ContainsAny(back, "?#") {
		c.Redirect(http.StatusSeeOther, back+"?done="+done) // confirmed from a round's ranking
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/entries/"+e.ID+"?done="+done)
}

// setFinalist puts a live entry on the shortlist (the entrant gets the
// finalist message, once) or takes it off; audited.
func (a *Admin) setFinalist(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	e, ok := a.routeEntry(c)
	if !ok {
		return
	}
	on := c.PostForm("action") != "remove"
	err := a.Judging.SetFinalist(c, staffActor(u), e, on)
	done := "Took “" + e.Title + "” off the shortlist."
	if on {
		done = "“" + e.Title + "” is a finalist; the entrant has been told."
	}
	switch {
	case errors.Is(err, judging.ErrNotLive):
		a.showEntry(c, http.StatusConflict, "Only a live entry can be a finalist: this one is "+e.Status.Label()+". Nothing was changed.")
		return
	case errors.Is(err, judging.ErrNotTold):
		a.Log.Error("admin: tell finalist", "entry", e.ID, "err", err)
		done = "“" + e.Title + "” is a finalist, but the message could not be queued: try again to send it."
	case err != nil:
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/entries/"+e.ID+"?done="+url.QueryEscape(done))
}
