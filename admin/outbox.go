package admin

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/mail"
)

type outboxView struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Text      string    `json:"text"`
	Link      string    `json:"link,omitempty"`
	Status    string    `json:"status"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// outbox lists the newest messages and their delivery status. Without SMTP
// this is where mail lives (status "kept"), sign-in links included, so it
// is for owners only.
func (a *Admin) outboxList(c *gin.Context) ([]outboxView, bool) {
	list, err := a.Outbox.List(c, 200)
	if err != nil {
		a.fail(c, err)
		return nil, false
	}
	out := make([]outboxView, 0, len(list))
	for _, m := range list {
		out = append(out, outboxView{m.ID, string(m.Kind), m.To, m.Subject, m.Text, m.Link, string(m.Status), m.Attempts, m.LastError, m.CreatedAt})
	}
	return out, true
}

func (a *Admin) outboxJSON(c *gin.Context) {
	if out, ok := a.outboxList(c); ok {
		c.JSON(http.StatusOK, gin.H{"messages": out})
	}
}

func (a *Admin) outboxPage(c *gin.Context) {
	out, ok := a.outboxList(c)
	if !ok {
		return
	}
	a.render(c, http.StatusOK, "outbox.html", map[string]any{"Messages": out, "Kept": mail.Kept})
}
