package admin

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/webhooks"
)

// webhookRoutes registers the owners' webhook pages and forms.
func (a *Admin) webhookRoutes(p gin.IRoutes) {
	p.GET("/campaigns/:id/webhooks", a.can(staff.ManageWebhooks), a.webhooksPage)
	p.POST("/campaigns/:id/webhooks", a.can(staff.ManageWebhooks), a.addWebhook)
	p.POST("/webhooks/:id/rotate", a.can(staff.ManageWebhooks), a.rotateWebhook)
	p.POST("/webhooks/:id/delete", a.can(staff.ManageWebhooks), a.deleteWebhook)
	p.POST("/webhook-deliveries/:id/replay", a.can(staff.ManageWebhooks), a.replayWebhook)
}

// webhooksPage lists the campaign's endpoints, a form to add one, and the
// delivery log with each attempt's response code and a replay button.
func (a *Admin) webhooksPage(c *gin.Context) {
	cp, ok := a.routeCampaign(c)
	if ok {
		a.showWebhooks(c, cp, http.StatusOK, c.Query("done"), "")
	}
}

func (a *Admin) showWebhooks(c *gin.Context, cp campaigns.Campaign, status int, done, problem string) {
	eps, err := a.Webhooks.Store.Endpoints(c, cp.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	log, err := a.Webhooks.Store.Deliveries(c, cp.ID, 50)
	if err != nil {
		a.fail(c, err)
		return
	}
	urls := map[string]string{}
	for _, e := range eps {
		urls[e.ID] = e.URL
	}
	a.render(c, status, "webhooks.html", map[string]any{"C": cp, "Endpoints": eps, "Log": log, "URLs": urls, "Types": webhooks.EventTypes,
		"Done": done, "Problem": problem, "URL": c.PostForm("url"), "Chosen": c.PostFormArray("events")})
}

// addWebhook saves an endpoint; a refused address is shown with why.
func (a *Admin) addWebhook(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	var events []webhooks.EventType
	for _, v := range c.PostFormArray("events") {
		events = append(events, webhooks.EventType(v))
	}
	_, err := a.Webhooks.AddEndpoint(c, staffActor(u), cp.ID, c.PostForm("url"), events)
	switch {
	case errors.Is(err, webhooks.ErrPrivateURL):
		a.showWebhooks(c, cp, http.StatusUnprocessableEntity, "", "That address is on a private, loopback or link-local network, which webhooks may not reach. Use the receiver's public address. Nothing was saved.")
		return
	case errors.Is(err, webhooks.ErrInvalid):
		a.showWebhooks(c, cp, http.StatusUnprocessableEntity, "", "Check the endpoint: "+problem.TextOf(err, "its address is not usable.")+" Nothing was saved.")
		return
	case err != nil:
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/campaigns/"+cp.ID+"/webhooks?done=Endpoint+added.+Copy+its+signing+secret+into+the+receiver.")
}

// routeEndpoint loads the endpoint the route names, or answers 404.
func (a *Admin) routeEndpoint(c *gin.Context) (webhooks.Endpoint, bool) {
	ep, err := a.Webhooks.Store.Endpoint(c, c.Param("id"))
	if errors.Is(err, webhooks.ErrNotFound) {
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "No such endpoint", "Message": "This webhook endpoint does not exist (it may have been deleted)."})
		return ep, false
	}
	if err != nil {
		a.fail(c, err)
		return ep, false
	}
	return ep, true
}

func (a *Admin) rotateWebhook(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	ep, ok := a.routeEndpoint(c)
	if !ok {
		return
	}
	if _, err := a.Webhooks.Rotate(c, staffActor(u), ep.ID); err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/campaigns/"+ep.CampaignID+"/webhooks?done=New+secret+made.+The+old+one+also+signs+for+24+hours.")
}

func (a *Admin) deleteWebhook(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	ep, ok := a.routeEndpoint(c)
	if !ok {
		return
	}
	if err := a.Webhooks.DeleteEndpoint(c, staffActor(u), ep); err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/campaigns/"+ep.CampaignID+"/webhooks?done=Endpoint+deleted.")
}

func (a *Admin) replayWebhook(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	d, err := a.Webhooks.Replay(c, staffActor(u), c.Param("id"))
	if errors.Is(err, webhooks.ErrNotFound) {
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "No such delivery", "Message": "This delivery does not exist."})
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/campaigns/"+d.CampaignID+"/webhooks?done=Queued+again.")
}
