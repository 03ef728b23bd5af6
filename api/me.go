package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/present"
)

type meView struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
}

func (a *API) me(c *gin.Context) {
	e, err := a.Entrants.Get(c, entrantID(c))
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	c.JSON(http.StatusOK, meView{e.ID, e.Email, e.DisplayName})
}

// myEntries lists the entrant's entries with status, reason and next step.
func (a *API) myEntries(c *gin.Context) {
	list, err := a.Entries.ListByEntrant(c, entrantID(c), 200)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	out := make([]EntryView, 0, len(list))
	names := map[string]CampaignRef{}
	for _, e := range list {
		v := NewEntryView(e).In(httpx.Lang(c))
		v.Playback = present.NewPlayback(e, true)
		ref, ok := names[e.CampaignID]
		if !ok {
			if cp, err := a.Campaigns.Get(c, e.CampaignID); err == nil {
				ref = CampaignRef{Slug: cp.Slug, Name: cp.Name}
			}
			names[e.CampaignID] = ref
		}
		v.Campaign = &ref
		out = append(out, v)
	}
	a.underReview(c, httpx.Lang(c), list, out)
	c.JSON(http.StatusOK, gin.H{"entries": out})
}

type messageView struct {
	ID      string      `json:"id"`
	Kind    string      `json:"kind"`
	Subject string      `json:"subject"`
	Text    string      `json:"text"`
	Link    string      `json:"link,omitempty"`
	EntryID string      `json:"entry_id,omitempty"`
	At      time.Time   `json:"at"`
	Replies []replyView `json:"replies"` // the entrant's answers, oldest first
}

type replyView struct {
	ID   string    `json:"id"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// myMessages lists what the brand has sent the entrant (sign-in links,
// which carry credentials, are left out).
func (a *API) myMessages(c *gin.Context) {
	list, err := a.Outbox.ListByEntrant(c, entrantID(c), 100)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	replies, err := a.Outreach.Replies.ListByEntrant(c, entrantID(c), 500)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	byMessage := map[string][]replyView{}
	for _, r := range slices.Backward(replies) {
		byMessage[r.MessageID] = append(byMessage[r.MessageID], replyView{r.ID, r.Text, r.At})
	}
	out := []messageView{}
	for _, m := range list {
		if m.Kind.CarriesCredential() {
			continue
		}
		rs := byMessage[m.ID]
		if rs == nil {
			rs = []replyView{}
		}
		out = append(out, messageView{m.ID, string(m.Kind), m.Subject, m.Text, m.Link, m.EntryID, m.CreatedAt, rs})
	}
	c.JSON(http.StatusOK, gin.H{"messages": out})
}

// reply records the entrant's answer to one of their messages; staff read
// it on the entrant's page.
func (a *API) reply(c *gin.Context) {
	var in struct {
		Text string `json:"text"`
	}
	if err := httpx.BindJSON(c, &in); err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	if a.ReplyLimit != nil {
		if ok, wait, err := a.ReplyLimit.Allow(c, entrantID(c)); err != nil {
			httpx.Fail(c, a.Log, err)
			return
		} else if !ok {
			c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			httpx.Fail(c, a.Log, httpx.E(http.StatusTooManyRequests, "too_many_requests", "You have sent many replies in a short time. Please wait a little and send it again."))
			return
		}
	}
	r, err := a.Outreach.Reply(c, entrantID(c), c.Param("id"), in.Text)
	switch {
	case errors.Is(err, outreach.ErrInvalid):
		httpx.Fail(c, a.Log, httpx.E(http.StatusUnprocessableEntity, "invalid_reply", fmt.Sprintf("Write a reply of 1 to %d characters.", outreach.MaxReply)))
	case errors.Is(err, mail.ErrNotFound):
		httpx.Fail(c, a.Log, httpx.E(http.StatusNotFound, "not_found", "There is no such message in your inbox."))
	case err != nil:
		httpx.Fail(c, a.Log, err)
	default:
		c.JSON(http.StatusCreated, replyView{r.ID, r.Text, r.At})
	}
}

// prefsView is an entrant's email preferences: every kind they may turn
// off, with whether it is on.
type prefsView struct {
	Kinds  []prefKind `json:"kinds"`
	AllOff bool       `json:"all_off"`
}

type prefKind struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	On    bool   `json:"on"`
}

func viewPrefs(l i18n.Lang, p mail.Prefs) prefsView {
	out := prefsView{AllOff: p.AllOff, Kinds: []prefKind{}}
	for _, ch := range mail.Choices {
		out.Kinds = append(out.Kinds, prefKind{string(ch.Kind), l.T(ch.Label), !slices.Contains(p.Off, ch.Kind)})
	}
	return out
}

// myPrefs shows which emails the entrant gets.
func (a *API) myPrefs(c *gin.Context) {
	p, err := a.Prefs.MailPrefs(c, entrantID(c))
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	c.JSON(http.StatusOK, viewPrefs(httpx.Lang(c), p))
}

// putPrefs sets which emails the entrant gets: {"off": [kinds], "all_off":
// bool}, either or both; a field left out keeps its value, so a body with a
// mistake never turns emails back on. Sign-in links always go out; every
// message stays in the inbox.
func (a *API) putPrefs(c *gin.Context) {
	var in struct {
		Off    *[]string `json:"off"`
		AllOff *bool     `json:"all_off"`
	}
	if err := httpx.BindJSON(c, &in); err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	if in.Off == nil && in.AllOff == nil {
		httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "invalid_preferences", `Say what to change: "off" (the kinds of email to stop), "all_off" (true or false), or both.`))
		return
	}
	p, err := a.Prefs.MailPrefs(c, entrantID(c))
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	if in.Off != nil {
		off, err := mail.ParseKinds(*in.Off)
		if err != nil {
			httpx.Fail(c, a.Log, &httpx.Error{Status: http.StatusUnprocessableEntity, Code: "invalid_preferences",
				Message: "One of the kinds of email is not one you can turn off.", Fields: map[string]string{"off": err.Error()}})
			return
		}
		p.Off = off
	}
	if in.AllOff != nil {
		p.AllOff = *in.AllOff
	}
	if err := a.Prefs.SetMailPrefs(c, entrantID(c), p); err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	c.JSON(http.StatusOK, viewPrefs(httpx.Lang(c), p))
}

type perkView struct {
	Campaign CampaignRef `json:"campaign"`
	Code     string      `json:"code"`
	At       time.Time   `json:"at"`
}

// myPerks lists the perk codes the entrant was handed.
func (a *API) myPerks(c *gin.Context) {
	list, err := a.Perks.ClaimsOf(c, entrantID(c))
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	out := []perkView{}
	for _, p := range list {
		ref := CampaignRef{}
		if cp, err := a.Campaigns.Get(c, p.CampaignID); err == nil {
			ref = CampaignRef{Slug: cp.Slug, Name: cp.Name}
		}
		out = append(out, perkView{ref, p.Code, p.At})
	}
	c.JSON(http.StatusOK, gin.H{"perks": out})
}

type dayView struct {
	Date        string `json:"date"`
	Views       int64  `json:"views"`
	Votes       int64  `json:"votes"`
	Shares      int64  `json:"shares"`
	Conversions int64  `json:"conversions"`
}

// myEntryStats is one of the entrant's entries over time: views, votes,
// share-link clicks and the entries and votes their links brought, per
// UTC day (?days=, 1-90, default 30), oldest first.
func (a *API) myEntryStats(c *gin.Context) {
	e, err := a.Entries.Get(c, c.Param("id"))
	if err != nil || !e.OwnedBy(entrantID(c)) {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	n := 30
	if q := c.Query("days"); q != "" {
		if v, err := strconv.Atoi(q); err == nil && v >= 1 && v <= 90 {
			n = v
		} else {
			httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "invalid_days", "Ask for 1 to 90 days."))
			return
		}
	}
	days, err := a.Fans.Gallery.Days(c, e.ID, a.Now(), n)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	out := make([]dayView, len(days))
	for i, d := range days {
		out[i] = dayView(d)
	}
	c.JSON(http.StatusOK, gin.H{"entry_id": e.ID, "days": out})
}
