package app

import (
	"context"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/export"
	"github.com/tryout/tryout/internal/referrals"
)

// countLive counts an entry's first move into live, whatever made it.
func (a *App) countLive(ctx context.Context, e entries.Entry) {
	if err := a.Analytics.Count(ctx, e.CampaignID, analytics.Live, e.ID); err != nil {
		a.Log.Warn("analytics: live entry not counted", "entry", e.ID, "err", err)
	}
}

// countShare counts what a personal share link brought (the referrals
// service credits each once per visitor).
func (a *App) countShare(ctx context.Context, l referrals.Link, kind referrals.Kind) {
	step := analytics.ShareVisits
	switch kind {
	case referrals.Entries:
		step = analytics.ShareEntries
	case referrals.Votes:
		step = analytics.ShareVotes
	}
	if err := a.Analytics.Count(ctx, l.CampaignID, step, ""); err != nil {
		a.Log.Warn("analytics: share not counted", "entry", l.EntryID, "err", err)
	}
}

// ExportSources are what the CSV exports read, by cursor.
func (a *App) ExportSources() export.Sources {
	return export.Sources{EntryStore: a.Entries, EntrantStore: a.Entrants, BallotStore: a.Ballots, MessageStore: a.Outbox,
		HashVoter: func(v string) string { return a.Signer.Hash("export-voter", v) }, PublicURL: a.Cfg.PublicURL}
}
