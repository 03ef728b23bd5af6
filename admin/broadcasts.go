package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/staff"
)

// sendAtLayout is the datetime-local input's format; times are UTC.
const sendAtLayout = "2006-01-02T15:04"

// broadcastForm reads a staff message from a compose form.
func broadcastForm(c *gin.Context, campaignID string) (outreach.Broadcast, error) {
	n, _ := strconv.Atoi(c.PostForm("top_n"))
	b := outreach.Broadcast{
		CampaignID: campaignID,
		Segment:    outreach.Segment{Kind: c.PostForm("segment"), TopN: n, EntrantID: c.PostForm("entrant_id")},
		Template:   messages.Template{Subject: c.PostForm("subject"), Body: c.PostForm("body"), Action: c.PostForm("action")},
	}
	if at := strings.TrimSpace(c.PostForm("send_at")); at != "" {
		t, err := time.ParseInLocation(sendAtLayout, at, time.UTC)
		if err != nil {
			return b, fmt.Errorf("%w: give the time to send as a date and time (UTC)", outreach.ErrInvalid)
		}
		b.SendAt = t
	}
	return b, b.Segment.Validate()
}

// broadcastsPage lists the campaign's staff messages and offers a new one.
func (a *Admin) broadcastsPage(c *gin.Context) {
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	a.showBroadcasts(c, http.StatusOK, cp, map[string]string{"segment": outreach.All}, "")
}

func (a *Admin) showBroadcasts(c *gin.Context, status int, cp campaigns.Campaign, form map[string]string, problem string) {
	list, err := a.Outreach.Store.ListByCampaign(c, cp.ID, 100)
	if err != nil {
		a.fail(c, err)
		return
	}
	segs := make([]outreach.Segment, len(outreach.SegmentKinds))
	for i, k := range outreach.SegmentKinds {
		segs[i] = outreach.Segment{Kind: k, TopN: 10}
	}
	a.render(c, status, "broadcasts.html", map[string]any{"Campaign": cp, "Broadcasts": list, "Segments": segs, "F": form,
		"Problem": problem, "Fields": messages.Fields, "Done": c.Query("done")})
}

// previewBroadcast counts the recipients and renders the message for the
// first of them (JSON, for the compose form's live preview).
func (a *Admin) previewBroadcast(c *gin.Context) {
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	b, err := broadcastForm(c, cp.ID)
	if err != nil {
		a.fail(c, httpx.E(http.StatusUnprocessableEntity, "invalid_message", problemText(err)))
		return
	}
	if err := b.Template.Validate(); err != nil {
		a.fail(c, httpx.E(http.StatusUnprocessableEntity, "invalid_template", templateProblem(err)))
		return
	}
	rs, err := a.Outreach.Recipients(c, cp.ID, b.Segment)
	if err != nil {
		a.fail(c, err)
		return
	}
	if len(rs) == 0 {
		a.fail(c, httpx.E(http.StatusUnprocessableEntity, "nobody", b.Segment.Label()+" matches nobody in this campaign yet: nothing would be sent."))
		return
	}
	m, err := a.Notify.Preview(c, b.Template, rs[0].Entry)
	if err != nil {
		a.fail(c, err)
		return
	}
	who := ""
	if e, err := a.Entrants.Get(c, rs[0].EntrantID); err == nil {
		who = e.DisplayName
	}
	c.JSON(http.StatusOK, gin.H{"count": len(rs), "count_text": recipientsText(len(rs)), "to": who, "subject": m.Subject, "body": m.Text})
}

func recipientsText(n int) string {
	if n == 1 {
		return "1 entrant will get this."
	}
	return strconv.Itoa(n) + " entrants will get this."
}

// problemText is a validation error's text for people.
func problemText(err error) string {
	return problem.TextOf(err, "The message cannot be sent as it is.")
}

// sendBroadcast queues a staff message for now or its scheduled time. A
// segment that matches nobody is refused and nothing is saved.
func (a *Admin) sendBroadcast(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	form := map[string]string{}
	for _, k := range []string{"segment", "top_n", "subject", "body", "action", "send_at", "entrant_id"} {
		form[k] = c.PostForm(k)
	}
	back := func(status int, problem string) {
		if id := c.PostForm("entrant_id"); id != "" {
			a.showEntrant(c, status, id, form, problem)
			return
		}
		a.showBroadcasts(c, status, cp, form, problem)
	}
	if c.PostForm("segment") == outreach.Results && !u.Role.Can(staff.ManageCampaigns) {
		back(http.StatusForbidden, "Only an owner can announce the results.")
		return
	}
	b, err := broadcastForm(c, cp.ID)
	if err == nil {
		b, err = a.Outreach.Compose(c, staffActor(u), b)
	}
	switch {
	case errors.Is(err, outreach.ErrNobody):
		back(http.StatusUnprocessableEntity, b.Segment.Label()+" matches nobody in this campaign: nothing was sent.")
		return
	case errors.Is(err, messages.ErrTemplate):
		back(http.StatusUnprocessableEntity, "Not sent: "+templateProblem(err)+".")
		return
	case errors.Is(err, outreach.ErrInvalid):
		back(http.StatusUnprocessableEntity, "Not sent: "+problemText(err))
		return
	case err != nil && b.ID == "":
		a.fail(c, err)
		return
	case err != nil:
		// Saved but not queued: the page says so; sending it again is safe.
		a.Log.Error("admin: queue staff message", "broadcast", b.ID, "err", err)
	}
	done := "Queued: " + recipientsText(b.Planned)
	if b.SendAt.After(a.Now().Add(time.Minute)) {
		done = "Scheduled for " + fmtTime(b.SendAt) + "."
	}
	if b.Segment.Kind == outreach.One {
		c.Redirect(http.StatusSeeOther, "/admin/entrants/"+b.Segment.EntrantID+"?done="+url.QueryEscape(done)+"#timeline")
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/broadcasts/"+b.ID+"?done="+url.QueryEscape(done))
}

// broadcastPage reports a staff message's delivery to each recipient.
func (a *Admin) broadcastPage(c *gin.Context) {
	b, ok := a.routeBroadcast(c)
	if !ok {
		return
	}
	cp, _ := a.Campaigns.Get(c, b.CampaignID)
	copies, err := a.Outbox.ListByBroadcast(c, b.ID, "", 1000)
	if err != nil {
		a.fail(c, err)
		return
	}
	counts, err := a.Outbox.CountByBroadcast(c, b.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render(c, http.StatusOK, "broadcast.html", map[string]any{"B": b, "Campaign": cp, "Copies": copies, "Counts": counts,
		"Statuses": []mail.Status{mail.Queued, mail.Sent, mail.Failed, mail.Suppressed, mail.Kept}, "Done": c.Query("done"),
		"State": broadcastState(b, len(copies), a.Now())})
}

// cancelBroadcast stops a scheduled staff message before it is sent.
func (a *Admin) cancelBroadcast(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	b, ok := a.routeBroadcast(c)
	if !ok {
		return
	}
	msg := "Cancelled: nothing was sent."
	if err := a.Outreach.Cancel(c, staffActor(u), b.ID); errors.Is(err, outreach.ErrSent) {
		msg = "Too late to cancel: it has started sending."
	} else if err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/broadcasts/"+b.ID+"?done="+url.QueryEscape(msg))
}

func (a *Admin) routeBroadcast(c *gin.Context) (outreach.Broadcast, bool) {
	id := c.Param("id")
	b, err := a.Outreach.Store.Get(c, id)
	if !ids.Valid(outreach.IDPrefix, id) || errors.Is(err, outreach.ErrNotFound) {
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "No such message", "Message": "There is no staff message at this address."})
		return b, false
	}
	if err != nil {
		a.fail(c, err)
		return b, false
	}
	return b, true
}
