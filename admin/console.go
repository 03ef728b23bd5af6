package admin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
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
		a.fail(c, err)
		return
	}
	var data []consoleCampaign
	for _, cp := range list {
		es, err := a.Entries.ListByCampaign(c, cp.ID, 20)
		if err != nil {
			a.fail(c, err)
			return
		}
		data = append(data, consoleCampaign{cp, es})
	}
	a.render(c, http.StatusOK, "console.html", map[string]any{"Campaigns": data, "Done": c.Query("done")})
}
