package app

import (
	"net"
	"time"

	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/webhooks"
)

// newWebhooks builds the webhook service: endpoints refused on private
// networks unless TRYOUT_WEBHOOK_ALLOW_PRIVATE, a rotated secret signing
// for a day more.
func (a *App) newWebhooks() *webhooks.Service {
	return &webhooks.Service{
		Store:  webhooks.NewMongoStore(a.DB.Collection(mongodb.Webhooks), a.DB.Collection(mongodb.WebhookLog)),
		Queue:  a.Queue,
		Client: webhooks.NewClient(a.Cfg.WebhookAllowPrivate, 10*time.Second), Resolver: net.DefaultResolver,
		AllowPrivate: a.Cfg.WebhookAllowPrivate, Grace: 24 * time.Hour, Now: a.now, Audit: a.Recorder,
	}
}
