package api

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/friction"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/votes"
	"github.com/tryout/tryout/internal/webauth"
)

// Voting holds what the vote endpoints need.
type Voting struct {
	// Service casts votes: its gate counts the velocity limits per address
	// and per /24 (IPv6 /64) network and the friction signals in the same
	// Redis script that records the vote.
	Service *votes.Service
	// Graduated friction: a vote that looks automated must solve a
	// proof-of-work challenge (or come from a voter who confirmed their
	// email). Pages reads the page-view token the vote button carries.
	Challenger *friction.Challenger
	Pages      friction.Pages
}

// voteView is the answer to a recorded vote: counted, or held for review
// (it counts once cleared) with why in plain words.
type voteView struct {
	Counted   bool       `json:"counted"`
	Held      bool       `json:"held,omitempty"`
	Because   []string   `json:"held_because,omitempty"`
	Votes     *int64     `json:"votes,omitempty"` // the entry's total; absent while the campaign hides totals
	NextAt    *time.Time `json:"next_vote_at,omitempty"`
	Remaining int        `json:"remaining"`
}

// vote casts the visitor's vote for a live entry under the campaign's
// rules. 201 only once the ballot is durable.
//
// A vote reads nothing from MongoDB and takes one Redis script (shared
// with the votes arriving at the same moment): the entry's campaign comes
// from a cache, its rules from the campaign cache, and the gate checks the
// card, counts the limits and friction signals and records the ballot.
func (a *API) vote(c *gin.Context) {
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	campaignID, found, err := a.Fans.Gallery.CampaignOf(c, id)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	if !found {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	cp, err := a.Campaigns.Get(c, campaignID)
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	rules := cp.VoteRules()
	voter := votes.Voter{ID: a.Sessions.Visitor(c), Request: c.GetHeader("Idempotency-Key"), Referral: refCode(c)}
	if !validRequestKey(voter.Request) {
		httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "invalid_idempotency_key", "The Idempotency-Key header must be 1 to 64 letters, digits, '-', '_', ':' or '.'."))
		return
	}
	_, voter.Verified = webauth.EntrantID(c)
	voter.Proof = a.voteProof(c, voter.ID, id)
	cast, err := a.Voting.Service.Vote(c, rules, votes.Target{CampaignID: campaignID, EntryID: id, Live: true}, voter, a.voteSignals(c, id))
	if err != nil {
		a.voteFailed(c, id, voter, rules, err)
		return
	}
	if cast.Replayed {
		// A retry of a vote that was counted: its outcome again, and none
		// of what counting it did (credit, milestone: votes.AfterCount) a
		// second time.
		c.Header("Idempotent-Replayed", "true")
	}
	out := voteView{Counted: cast.Held == 0, Held: cast.Held != 0, Remaining: cast.Remaining}
	for _, name := range cast.Held.Names() {
		out.Because = append(out.Because, httpx.Lang(c).T(votes.Plain(name)))
	}
	if !cast.NextAt.IsZero() {
		out.NextAt = &cast.NextAt
	}
	if !rules.TotalsHidden(a.Now()) {
		if cast.Votes >= 0 {
			out.Votes = &cast.Votes
		} else if card, ok, err := a.Fans.Gallery.Card(c, id); err == nil && ok {
			out.Votes = &card.Votes
		}
	}
	c.JSON(http.StatusCreated, out)
}

// validRequestKey reports whether an Idempotency-Key header value is one
// Tryout keeps ("" is none).
func validRequestKey(k string) bool {
	if len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_:.", r)) {
			return false
		}
	}
	return true
}

// voteSignals are the risk signals a ballot keeps (none of it personal).
func (a *API) voteSignals(c *gin.Context, entryID string) votes.Signals {
	ip := c.ClientIP()
	sig := votes.Signals{IPHash: a.HashIP(ip), SubnetHash: a.HashIP(subnet(ip)), UAFamily: uaFamily(c.GetHeader("User-Agent")), SincePageMS: -1}
	if c.GetHeader("X-Webdriver") == "1" { // the page saw navigator.webdriver
		sig.Automation = "webdriver"
	}
	if ck, err := c.Request.Cookie(webauth.DeviceCookie); err == nil {
		sig.Device = ck.Value
	}
	if since, ok := a.Voting.Pages.Since(c.GetHeader("X-Page-Token"), entryID); ok {
		sig.SincePageMS = since.Milliseconds()
	}
	return sig
}

// voteProof is the proof-of-work answer the request carries (headers
// X-Challenge-Token and X-Challenge-Nonce), if it is a right one for this
// voter and entry; the gate uses it up only if the vote needs it.
func (a *API) voteProof(c *gin.Context, voter, entryID string) *votes.Proof {
	tok, nonce := c.GetHeader("X-Challenge-Token"), c.GetHeader("X-Challenge-Nonce")
	if tok == "" || a.Voting.Challenger == nil {
		return nil
	}
	until, bits, err := a.Voting.Challenger.Check(voter+"|"+entryID, tok, nonce)
	if err != nil {
		return nil
	}
	return &votes.Proof{UsedKey: friction.UsedKey(tok), Until: until, Bits: bits}
}

// voteFailed answers a vote that was not counted.
func (a *API) voteFailed(c *gin.Context, entryID string, voter votes.Voter, rules votes.Rules, err error) {
	var (
		av        *votes.AlreadyVotedError
		limited   *votes.LimitedError
		challenge *votes.ChallengeError
	)
	switch {
	case errors.As(err, &av):
		out := &httpx.Error{Status: http.StatusConflict, Code: "already_voted", Message: "You already voted for this entry " + periodWord(rules) + "."}
		if errors.Is(err, votes.ErrNoVotesLeft) {
			out.Code, out.Message = "no_votes_left", "You have used your votes "+periodWord(rules)+"."
		}
		if !av.NextAt.IsZero() {
			out.Message += " You can vote again " + nextVote(av.NextAt, rules) + "."
			out.Fields = map[string]string{"next_vote_at": av.NextAt.UTC().Format(time.RFC3339)}
		}
		httpx.Fail(c, a.Log, out)
	case errors.As(err, &limited):
		c.Header("Retry-After", strconv.Itoa(int(limited.Wait.Seconds())+1))
		httpx.Fail(c, a.Log, httpx.E(http.StatusTooManyRequests, "too_many_votes", "Many votes came from your network just now. Please wait a few minutes and vote again."))
	case errors.As(err, &challenge):
		a.challenge(c, entryID, voter, challenge)
	case errors.Is(err, votes.ErrConfirmEmail):
		httpx.Fail(c, a.Log, &httpx.Error{Status: http.StatusUnauthorized, Code: "confirm_email",
			Message: "Many new voters have voted from your network in the last hour, so new voters here confirm their email to vote. Sign in with your email and vote again.",
			Fields:  map[string]string{"verify_url": "/signin?next=" + url.QueryEscape("/e/"+entryID)}})
	case errors.Is(err, votes.ErrNotVotable):
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
	case errors.Is(err, votes.ErrVotingClosed):
		httpx.Fail(c, a.Log, httpx.E(http.StatusForbidden, "voting_closed", "Voting is not open for this campaign right now."))
	case errors.Is(err, votes.ErrSelfVote):
		httpx.Fail(c, a.Log, httpx.E(http.StatusForbidden, "self_vote", "You cannot vote for your own entry in this campaign."))
	case errors.Is(err, votes.ErrVerifyRequired):
		httpx.Fail(c, a.Log, httpx.E(http.StatusUnauthorized, "verify_required", "This campaign counts votes from fans who confirm their email. Sign in with your email to vote."))
	default:
		// The vote may or may not have been recorded (Redis may have run the
		// script and the answer been lost): a retry with the same
		// Idempotency-Key gets the first outcome, so it never counts twice.
		c.Header("Retry-After", "2")
		httpx.Fail(c, a.Log, &httpx.Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "We could not confirm your vote just now. Please send it again: it will count once.", Err: err})
	}
}

// myVotes tells the visitor what they voted for in this period and what
// they have left.
func (a *API) myVotes(c *gin.Context) {
	cp, err := a.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	rules := cp.VoteRules()
	voter := webauth.KnownVisitor(c)
	st := votes.Standing{Voted: []string{}, Remaining: rules.PerPeriod}
	if voter != "" {
		if st, err = a.Voting.Service.Standing(c, rules, cp.ID, votes.Voter{ID: voter}); err != nil {
			httpx.Fail(c, a.Log, err)
			return
		}
	}
	out := gin.H{"open": rules.Open(a.Now()), "frequency": rules.Frequency, "scope": rules.Scope, "votes_per_period": rules.PerPeriod,
		"identity": rules.Identity, "voted": st.Voted, "remaining": st.Remaining, "totals_hidden": rules.TotalsHidden(a.Now()),
		"time_zone": zoneName(rules)}
	if !st.NextAt.IsZero() {
		out["next_period_at"] = st.NextAt
	}
	c.JSON(http.StatusOK, out)
}

// zoneName is the campaign's time zone as IANA names it.
func zoneName(r votes.Rules) string {
	if r.Location == nil {
		return "UTC"
	}
	return r.Location.String()
}

// nextVote says when a voter may vote again, in the campaign's time zone
// (the vote button shows it in the visitor's own).
func nextVote(t time.Time, r votes.Rules) string {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	s := t.In(loc).Format("Mon 2 Jan, 15:04 MST")
	if loc != time.UTC {
		s += " (" + loc.String() + " time)"
	}
	return s
}

func periodWord(r votes.Rules) string {
	switch r.Frequency {
	case votes.Once:
		return "in this campaign"
	case votes.Hourly:
		return "this hour"
	case votes.Weekly:
		return "this week"
	}
	return "today"
}

// subnet is the /24 of an IPv4 address or the /64 of an IPv6 one.
func subnet(ip string) string {
	p := net.ParseIP(ip)
	if p == nil {
		return ip
	}
	if v4 := p.To4(); v4 != nil {
		return v4.Mask(net.CIDRMask(24, 32)).String() + "/24"
	}
	return p.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// uaFamily is the browser family of a User-Agent: enough to see a cluster
// of one headless browser, nothing that identifies a person.
func uaFamily(ua string) string {
	l := strings.ToLower(ua)
	for _, f := range []string{"headless", "curl", "python", "go-http", "bot", "edg/", "opr/", "firefox", "chrome", "safari"} {
		if strings.Contains(l, f) {
			return strings.TrimSuffix(f, "/")
		}
	}
	if ua == "" {
		return "none"
	}
	return "other"
}

// challenge answers a vote that looks automated (no page view of the
// entry, a vote within two seconds of the page loading, a burst from one
// address, or many voters on one address) with a proof-of-work challenge
// bound to the voter and entry. The client solves it and sends the vote
// again with the answer (headers X-Challenge-Token and X-Challenge-Nonce),
// or confirms their email instead: a signed-in voter is never challenged.
func (a *API) challenge(c *gin.Context, entryID string, voter votes.Voter, ce *votes.ChallengeError) {
	ch := a.Voting.Challenger.IssueBits(voter.ID+"|"+entryID, ce.Difficulty)
	httpx.Fail(c, a.Log, &httpx.Error{Status: http.StatusForbidden, Code: "challenge_required",
		Message: "Please wait a moment while your browser confirms this vote, or confirm your email instead.",
		Fields: map[string]string{"challenge_token": ch.Token, "difficulty": strconv.Itoa(ch.Difficulty), "reasons": strings.Join(ce.Reasons, ","),
			"verify_url": "/signin?next=" + url.QueryEscape("/e/"+entryID)}})
}
