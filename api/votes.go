package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/friction"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/referrals"
	"github.com/tryout/tryout/internal/votes"
	"github.com/tryout/tryout/internal/webauth"
)

// Voting holds what the vote endpoints need.
type Voting struct {
	Service *votes.Service
	// Per client address and per /24 (IPv6 /64) network: hard velocity
	// limits (429).
	IPLimit, NetLimit *ratelimit.Limiter
	// Graduated friction: a vote that looks automated must solve a
	// proof-of-work challenge first. BurstLimit is the per-address rate
	// above which votes are challenged; CrowdLimit the distinct voters per
	// address per hour above which they are.
	Challenger *friction.Challenger
	Pages      friction.Pages
	BurstLimit *ratelimit.Limiter
	CrowdLimit int64
	// Milestones queues the message an entrant gets when their entry
	// reaches one of the campaign's vote milestones; nil sends none.
	Milestones interface {
		EnqueueMilestone(ctx context.Context, entryID string, votes int64) error
	}
}

// voteView is the answer to a counted vote.
type voteView struct {
	Counted   bool       `json:"counted"`
	Votes     *int64     `json:"votes,omitempty"` // the entry's total; absent while the campaign hides totals
	NextAt    *time.Time `json:"next_vote_at,omitempty"`
	Remaining int        `json:"remaining"`
}

// vote casts the visitor's vote for a live entry under the campaign's
// rules. 201 only once the ballot is durable.
//
// A vote takes two Redis round trips and reads nothing from MongoDB: one
// pipeline reads the entry's gallery card (a live entry has one) and
// counts the rate limits and friction signals, then one script records
// the ballot (or, without the journal, a group commit writes it).
func (a *API) vote(c *gin.Context) {
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	ip := c.ClientIP()
	voter := votes.Voter{ID: a.Sessions.Visitor(c)}
	if _, signedIn := webauth.EntrantID(c); signedIn {
		voter.Verified = true
	}
	device := ""
	if ck, err := c.Request.Cookie(webauth.DeviceCookie); err == nil {
		device = ck.Value
	}
	sig := votes.Signals{IPHash: a.HashIP(ip), SubnetHash: a.HashIP(subnet(ip)), Device: device, UAFamily: uaFamily(c.GetHeader("User-Agent")), SincePageMS: -1}
	if since, ok := a.Voting.Pages.Since(c.GetHeader("X-Page-Token"), id); ok {
		sig.SincePageMS = since.Milliseconds()
	}
	chk, err := a.voteChecks(c, id, voter.ID, sig)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	if !chk.found {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	e := chk.card
	cp, err := a.Campaigns.Get(c, e.CampaignID)
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	rules := cp.VoteRules()
	if chk.wait > 0 {
		c.Header("Retry-After", strconv.Itoa(int(chk.wait.Seconds())+1))
		httpx.Fail(c, a.Log, httpx.E(http.StatusTooManyRequests, "too_many_votes", "Many votes came from your network just now. Please wait a few minutes and vote again."))
		return
	}
	if !a.passFriction(c, e.ID, voter, chk.reasons, &sig) {
		return
	}
	cast, err := a.Voting.Service.Vote(c, rules, votes.Target{CampaignID: e.CampaignID, EntryID: e.ID, EntrantID: e.OwnerID, Live: true}, voter, sig)
	var av *votes.AlreadyVotedError
	switch {
	case errors.As(err, &av):
		out := &httpx.Error{Status: http.StatusConflict, Code: "already_voted", Message: "You already voted for this entry " + periodWord(rules) + "."}
		if errors.Is(err, votes.ErrNoVotesLeft) {
			out.Code, out.Message = "no_votes_left", "You have used your votes "+periodWord(rules)+"."
		}
		if !av.NextAt.IsZero() {
			out.Message += " You can vote again " + av.NextAt.UTC().Format("Mon 2 Jan, 15:04 UTC") + "."
			out.Fields = map[string]string{"next_vote_at": av.NextAt.UTC().Format(time.RFC3339)}
		}
		httpx.Fail(c, a.Log, out)
	case errors.Is(err, votes.ErrVotingClosed):
		httpx.Fail(c, a.Log, httpx.E(http.StatusForbidden, "voting_closed", "Voting is not open for this campaign right now."))
	case errors.Is(err, votes.ErrSelfVote):
		httpx.Fail(c, a.Log, httpx.E(http.StatusForbidden, "self_vote", "You cannot vote for your own entry in this campaign."))
	case errors.Is(err, votes.ErrVerifyRequired):
		httpx.Fail(c, a.Log, httpx.E(http.StatusUnauthorized, "verify_required", "This campaign counts votes from fans who confirm their email. Sign in with your email to vote."))
	case errors.Is(err, votes.ErrStopped):
		httpx.Fail(c, a.Log, &httpx.Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "Your vote was not saved. Please try again.", Err: err})
	case err != nil:
		httpx.Fail(c, a.Log, &httpx.Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "Your vote was not saved. Please try again.", Err: err})
	default:
		a.credit(c, e.CampaignID, referrals.Votes, voter.ID)
		if cast.Votes > 0 && cp.MilestoneAt(cast.Votes) && a.Voting.Milestones != nil {
			if err := a.Voting.Milestones.EnqueueMilestone(c, e.ID, cast.Votes); err != nil {
				a.Log.Error("votes: queue milestone message", "entry", e.ID, "votes", cast.Votes, "err", err)
			}
		}
		out := voteView{Counted: true, Remaining: cast.Remaining}
		if !cast.NextAt.IsZero() {
			out.NextAt = &cast.NextAt
		}
		if !rules.TotalsHidden(a.Now()) {
			if cast.Votes >= 0 {
				out.Votes = &cast.Votes
			} else if card, ok, err := a.Fans.Gallery.Card(c, e.ID); err == nil && ok {
				out.Votes = &card.Votes
			}
		}
		c.JSON(http.StatusCreated, out)
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
		"identity": rules.Identity, "voted": st.Voted, "remaining": st.Remaining, "totals_hidden": rules.TotalsHidden(a.Now())}
	if !st.NextAt.IsZero() {
		out["next_period_at"] = st.NextAt
	}
	c.JSON(http.StatusOK, out)
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

// voteCheck is what one round trip tells a vote: the entry's card, how
// long to wait when a hard limit is reached, and the friction signals.
type voteCheck struct {
	card    gallery.Card
	found   bool
	wait    time.Duration // > 0: over the address or network limit
	reasons []string      // why the vote looks automated (none: it does not)
}

// voteChecks reads the card and counts the vote against the address and
// network limits, the burst limit and the address's voters this hour, in
// one pipeline.
func (a *API) voteChecks(c *gin.Context, entryID, voter string, sig votes.Signals) (voteCheck, error) {
	v := a.Voting
	var out voteCheck
	var limits []func() (bool, time.Duration)
	var burst func() (bool, time.Duration)
	var crowd *redis.IntCmd
	var card func() (gallery.Card, bool)
	_, err := a.Fans.Gallery.Redis.Pipelined(c, func(p redis.Pipeliner) error {
		card = a.Fans.Gallery.QueueCard(c, p, entryID)
		for _, l := range []struct {
			lim *ratelimit.Limiter
			key string
		}{{v.IPLimit, sig.IPHash}, {v.NetLimit, sig.SubnetHash}} {
			if l.lim != nil {
				limits = append(limits, l.lim.Queue(c, p, l.key))
			}
		}
		if v.Challenger == nil {
			return nil
		}
		if v.BurstLimit != nil {
			burst = v.BurstLimit.Queue(c, p, sig.IPHash)
		}
		if v.CrowdLimit > 0 {
			key := "vote:voters:" + sig.IPHash + ":" + a.Now().UTC().Format("2006010215")
			p.PFAdd(c, key, voter)
			p.Expire(c, key, 2*time.Hour)
			crowd = p.PFCount(c, key)
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("api: vote checks: %w", err)
	}
	out.card, out.found = card()
	for _, l := range limits {
		if ok, wait := l(); !ok {
			out.wait = max(out.wait, wait)
		}
	}
	if v.Challenger == nil {
		return out, nil
	}
	switch {
	case sig.SincePageMS < 0:
		out.reasons = append(out.reasons, "no_page_view")
	case sig.SincePageMS < 2000:
		out.reasons = append(out.reasons, "too_fast")
	}
	if burst != nil {
		if ok, _ := burst(); !ok {
			out.reasons = append(out.reasons, "burst")
		}
	}
	if crowd != nil && crowd.Val() > v.CrowdLimit {
		out.reasons = append(out.reasons, "crowded_address")
	}
	return out, nil
}

// passFriction challenges a vote that looks automated (see voteChecks:
// no page view of the entry, a vote within two seconds of the page
// loading, a burst from one address, or many voters on one address). A
// challenged client solves a proof of work and sends the vote again with
// the answer (headers X-Challenge-Token and X-Challenge-Nonce). It answers
// the request itself and returns false when the vote may not go ahead.
func (a *API) passFriction(c *gin.Context, entryID string, voter votes.Voter, reasons []string, out *votes.Signals) bool {
	v := a.Voting
	if len(reasons) == 0 {
		return true
	}
	// A voter who confirmed their email (signed in with an emailed link)
	// has passed the other kind of check: no puzzle for them. Every vote
	// is still one per voter under the campaign's rules, and the signals
	// stay on the ballot for fraud review.
	if voter.Verified {
		out.Challenge = "email"
		return true
	}
	subject := voter.ID + "|" + entryID
	if tok, nonce := c.GetHeader("X-Challenge-Token"), c.GetHeader("X-Challenge-Nonce"); tok != "" {
		err := v.Challenger.Verify(c, subject, tok, nonce)
		if err == nil {
			out.Challenge = "pow"
			return true
		}
		if !errors.Is(err, friction.ErrInvalid) && !errors.Is(err, friction.ErrUsed) {
			httpx.Fail(c, a.Log, err)
			return false
		}
	}
	ch := v.Challenger.Issue(subject)
	httpx.Fail(c, a.Log, &httpx.Error{Status: http.StatusForbidden, Code: "challenge_required",
		Message: "Please wait a moment while your browser confirms this vote, or confirm your email instead.",
		Fields: map[string]string{"challenge_token": ch.Token, "difficulty": strconv.Itoa(ch.Difficulty), "reasons": strings.Join(reasons, ","),
			"verify_url": "/signin?next=" + url.QueryEscape("/e/"+entryID)}})
	return false
}
