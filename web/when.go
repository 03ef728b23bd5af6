package web

import (
	"html/template"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/i18n"
)

// Moments on the pages: the server writes them in UTC (or, for deadlines,
// the campaign's zone) inside <time datetime>, and localtime.js rewrites
// them in the visitor's zone with the zone named.

// campaignZone is the time zone a campaign's deadlines are shown in: its
// own (time_zone), UTC when it names none.
func campaignZone(cp campaigns.Campaign) *time.Location {
	loc, err := campaigns.Location(cp.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// when writes a moment for the visitor's own time zone (UTC without
// JavaScript).
func when(l i18n.Lang, t time.Time) template.HTML {
	return template.HTML(`<time datetime="` + t.UTC().Format(time.RFC3339) + `">` + //nolint:gosec // only formatted times
		template.HTMLEscapeString(l.When(t.UTC())) + `</time>`)
}

// deadline writes a campaign's deadline in the campaign's zone, named;
// the visitor's own time is added beside it when their zone differs.
func deadline(l i18n.Lang, cp campaigns.Campaign, t time.Time) template.HTML {
	loc := campaignZone(cp)
	return template.HTML(`<time datetime="` + t.UTC().Format(time.RFC3339) + `" data-zone="` + template.HTMLEscapeString(loc.String()) + `">` + //nolint:gosec // only formatted times and a zone name
		template.HTMLEscapeString(l.When(t.In(loc))) + `</time>`)
}

// until is the live countdown beside a deadline (countdown.js fills it).
func until(_ i18n.Lang, t time.Time) template.HTML {
	return template.HTML(`<span class="until" data-until="` + t.UTC().Format(time.RFC3339) + `"></span>`) //nolint:gosec // a formatted time
}
