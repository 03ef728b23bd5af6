package campaigns

import (
	"strconv"
	"strings"
	"time"
)

// FormTime is how settings show times (datetime-local, UTC).
const FormTime = "2006-01-02T15:04"

// Fields are a campaign's settings as strings, keyed by their form and
// JSON names: what the console form shows and what the audit log records
// before and after an edit.
func Fields(c Campaign) map[string]string {
	t := func(x time.Time) string {
		if x.IsZero() {
			return ""
		}
		return x.UTC().Format(FormTime)
	}
	return map[string]string{
		"slug": c.Slug, "name": c.Name, "description": c.Description,
		"entry_opens_at": t(c.EntryOpensAt), "entry_closes_at": t(c.EntryClosesAt),
		"voting_opens_at": t(c.VotingOpensAt), "voting_closes_at": t(c.VotingClosesAt),
		"max_file_mb":             MB(c.MaxFileBytes),
		"max_duration_seconds":    strconv.Itoa(c.MaxDurationSeconds),
		"min_duration_seconds":    strconv.Itoa(c.MinDurationSeconds),
		"max_entries_per_entrant": strconv.Itoa(c.MaxEntriesPerEntrant),
		"min_age":                 strconv.Itoa(c.MinAge),
		"rules_version":           c.RulesVersion, "rules_text": c.RulesText, "media_release_text": c.MediaReleaseText,
		"moderation_mode": c.ModerationMode, "blocked_words": strings.Join(c.BlockedWords, "\n"),
		"report_threshold": strconv.Itoa(c.ReportThreshold), "reason_templates": strings.Join(c.ReasonTemplates, "\n"),
		"perks_text": c.PerksText, "brand_color": c.BrandColor, "brand_name": c.BrandName, "language": string(c.Lang()),
		"vote_frequency": c.VoteFrequency, "vote_scope": c.VoteScope, "votes_per_period": strconv.Itoa(max(c.VotesPerPeriod, 1)),
		"voter_identity": c.VoterIdentity, "self_vote": strconv.FormatBool(c.SelfVote), "hide_totals": strconv.FormatBool(c.HideTotals),
		"time_zone": c.TimeZone, "vote_checks_off": strings.Join(c.VoteChecksOff, ","),
		// eligibility, guardian consent and retention
		"countries":               strings.Join(c.Countries, " "),
		"guardian_age":            strconv.Itoa(c.GuardianAge),
		"guardian_days":           strconv.Itoa(c.GuardianDays),
		"retain_originals_days":   strconv.Itoa(c.RetainOriginalsDays),
		"keep_winner_originals":   strconv.FormatBool(c.KeepWinnerOriginals),
		"retain_unpublished_days": strconv.Itoa(c.RetainUnpublishedDays),
		"retain_signals_days":     strconv.Itoa(c.RetainSignalsDays),
	}
}
