package analytics

import (
	"github.com/tryout/tryout/internal/votes"
)

// BallotFigures are the counters one counted ballot adds to: the campaign's
// votes (total and day) and its integrity figures. The vote drain adds them
// in the same Redis transaction that takes the ballot out of the journal
// (group commit adds them right after the insert), so each ballot is
// counted once.
func BallotFigures(b votes.Ballot) []votes.Figure {
	tot, d := TotalsKey(b.CampaignID), DayKey(b.CampaignID, b.At)
	out := []votes.Figure{{Key: tot, Field: string(Votes)}, {Key: d, Field: string(Votes)}}
	if votes.Flagged(b) {
		out = append(out, votes.Figure{Key: tot, Field: string(VotesFlagged)}, votes.Figure{Key: d, Field: string(VotesFlagged)},
			votes.Figure{Key: FlaggedKey(b.CampaignID), Field: b.EntryID})
	}
	if b.Verified {
		out = append(out, votes.Figure{Key: tot, Field: string(VotesVerified)})
	}
	if b.Signals.Challenge == "pow" {
		out = append(out, votes.Figure{Key: tot, Field: string(VotesChallenged)})
	}
	return out
}
