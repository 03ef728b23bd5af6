package web

import (
	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/judging"
)

// drawView is a prize draw as the winners page publishes it: the prize,
// the seed, every eligible entry id, and the winners' public cards.
type drawView struct {
	judging.Draw
	Cards []gallery.Card
}

// drawsOf lists the campaign's prize draws for the winners page.
func (w *Web) drawsOf(c *gin.Context, cp campaigns.Campaign) ([]drawView, error) {
	if w.Draws == nil {
		return nil, nil
	}
	ds, err := w.Draws.Draws(c, cp.ID)
	if err != nil {
		return nil, err
	}
	out := make([]drawView, 0, len(ds))
	for _, d := range ds {
		v := drawView{Draw: d}
		for _, id := range d.Winners {
			if card, ok, err := w.Gallery.Card(c, id); err == nil && ok {
				v.Cards = append(v.Cards, card)
			}
		}
		out = append(out, v)
	}
	return out, nil
}
