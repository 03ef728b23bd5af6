package admin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/staff"
)

type consoleCampaign struct {
	Campaign campaigns.Campaign
	Entries  []entries.Entry
}

// console shows every campaign with its latest entries (read-only until the
// moderation console lands).
func (a *Admin) console(c *gin.Context) {
	list, err := a.Campaigns.List(c, 50)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	data := struct {
		User      staff.User
		Campaigns []consoleCampaign
	}{User: c.MustGet(userKey).(staff.User)}
	for _, cp := range list {
		es, err := a.Entries.ListByCampaign(c, cp.ID, 20)
		if err != nil {
			httpx.Fail(c, a.Log, err)
			return
		}
		data.Campaigns = append(data.Campaigns, consoleCampaign{cp, es})
	}
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	if err := a.tmpl.ExecuteTemplate(c.Writer, "console.html", data); err != nil {
		a.Log.Error("admin: render console", "err", err)
	}
}
