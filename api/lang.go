package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/i18n"
)

// language makes the request's readable messages speak the language of
// the campaign it names (by slug, or through an entry's id), and the
// Accept-Language header's best otherwise (the pages' scripts send their
// page's). Codes never change. The campaign is looked up only when a
// message is written in a language (an error, a status), never on the
// way of a request that succeeds without one.
func (a *API) language(c *gin.Context) {
	httpx.SetLanguage(c, func() i18n.Lang { return a.requestLang(c) })
	c.Next()
}

func (a *API) requestLang(c *gin.Context) i18n.Lang {
	if slug := c.Param("slug"); slug != "" {
		if cp, err := a.Campaigns.GetBySlug(c, slug); err == nil {
			return cp.Lang()
		}
	}
	if id := c.Param("id"); strings.HasPrefix(id, entries.IDPrefix) {
		if e, err := a.Entries.Get(c, id); err == nil {
			if cp, err := a.Campaigns.Get(c, e.CampaignID); err == nil {
				return cp.Lang()
			}
		}
	}
	return i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
}
