package gallery

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Index keeps the read model in Redis:
//
//	gallery:{campaign}:new    sorted set, member entry id, score live-at (ms)
//	gallery:{campaign}:top    sorted set, member entry id, score votes
//	gallery:{campaign}:words  sorted set of "word\x00id", all score 0, for prefix search
//	gallery:card:{id}         hash, the card's fields
//
// Every write is one MULTI transaction, so a reader never sees an entry in
// an order without its card for longer than one command.
type Index struct {
	Redis *redis.Client

	campaigns campaignCache // entry -> campaign, for CampaignOf
}

func newKey(c string) string   { return "gallery:" + c + ":new" }
func topKey(c string) string   { return "gallery:" + c + ":top" }
func wordsKey(c string) string { return "gallery:" + c + ":words" }
func cardKey(id string) string { return "gallery:card:" + id }
func verKey(c string) string   { return "gallery:" + c + ":version" }

// maxSearch bounds the matches one search word may bring back.
const maxSearch = 2000

// Put adds or updates a card in every order. A card already in the
// gallery keeps its live counts (Redis is ahead of the entry record, which
// gets them in batches).
func (x *Index) Put(ctx context.Context, c Card) error {
	have, err := x.Redis.HMGet(ctx, cardKey(c.ID), "words", "views", "votes").Result()
	if err != nil {
		return fmt.Errorf("gallery: put %s: %w", c.ID, err)
	}
	old, _ := have[0].(string)
	if v, ok := have[1].(string); ok {
		n, _ := strconv.ParseInt(v, 10, 64)
		c.Views = max(c.Views, n)
	}
	if v, ok := have[2].(string); ok {
		c.Votes, _ = strconv.ParseInt(v, 10, 64)
	}
	_, err = x.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if old != "" {
			p.ZRem(ctx, wordsKey(c.CampaignID), wordMembers(strings.Fields(old), c.ID)...)
		}
		addCard(ctx, p, c, "")
		p.Incr(ctx, verKey(c.CampaignID))
		return nil
	})
	if err != nil {
		return fmt.Errorf("gallery: put %s: %w", c.ID, err)
	}
	return nil
}

// Remove takes an entry out of the gallery; removing one that is not there
// is not an error.
func (x *Index) Remove(ctx context.Context, campaignID, id string) error {
	old, err := x.Redis.HGet(ctx, cardKey(id), "words").Result()
	if err != nil && err != redis.Nil {
		return fmt.Errorf("gallery: remove %s: %w", id, err)
	}
	_, err = x.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, newKey(campaignID), id)
		p.ZRem(ctx, topKey(campaignID), id)
		if old != "" {
			p.ZRem(ctx, wordsKey(campaignID), wordMembers(strings.Fields(old), id)...)
		}
		p.Del(ctx, cardKey(id))
		p.Incr(ctx, verKey(campaignID))
		return nil
	})
	if err != nil {
		return fmt.Errorf("gallery: remove %s: %w", id, err)
	}
	return nil
}

//go:embed add_if_present.lua
var addIfPresentLua string

// addIfPresent adds to a counter of a card that exists (a view racing a
// takedown must not recreate half a card), and to its score in a sorted set
// when one is named.
var addIfPresent = redis.NewScript(addIfPresentLua)

// CardKey is the key of an entry's card: a hash whose "votes" field is
// its total (the vote journal adds to it in its own script).
func (x *Index) CardKey(id string) string { return cardKey(id) }

// TopKey is the key of a campaign's entries by votes.
func (x *Index) TopKey(campaignID string) string { return topKey(campaignID) }

// AddViews adds n views to a live entry's card.
func (x *Index) AddViews(ctx context.Context, id string, n int64) error {
	err := addIfPresent.Run(ctx, x.Redis, []string{cardKey(id)}, "views", n).Err()
	if err != nil && err != redis.Nil {
		return fmt.Errorf("gallery: add views: %w", err)
	}
	return nil
}

// AddVotes adds n votes to a live entry's card and its place in the top
// order.
func (x *Index) AddVotes(ctx context.Context, campaignID, id string, n int64) error {
	err := addIfPresent.Run(ctx, x.Redis, []string{cardKey(id), topKey(campaignID)}, "votes", n, id).Err()
	if err != nil && err != redis.Nil {
		return fmt.Errorf("gallery: add votes: %w", err)
	}
	return nil
}

// Rank returns a live entry's place by votes (1 for the most) and how many
// live entries the campaign has; place 0 when the entry is not live.
func (x *Index) Rank(ctx context.Context, campaignID, id string) (place, of int64, err error) {
	p := x.Redis.Pipeline()
	r := p.ZRevRank(ctx, topKey(campaignID), id)
	n := p.ZCard(ctx, topKey(campaignID))
	if _, err := p.Exec(ctx); err != nil && err != redis.Nil {
		return 0, 0, fmt.Errorf("gallery: rank: %w", err)
	}
	if r.Err() == nil {
		place = r.Val() + 1
	}
	return place, n.Val(), nil
}

// Card returns one card, ok false when the entry is not in the gallery.
func (x *Index) Card(ctx context.Context, id string) (Card, bool, error) {
	cs, err := x.cards(ctx, []string{id})
	if err != nil || len(cs) == 0 {
		return Card{}, false, err
	}
	return cs[0], true, nil
}

// Stat is what a reader needs before asking for a page: the gallery's
// version (for caches) and how many entries are live.
type Stat struct {
	Version int64
	Total   int64
}

// Stat reads the version and the live count in one round trip.
func (x *Index) Stat(ctx context.Context, campaignID string) (Stat, error) {
	var ver *redis.StringCmd
	var total *redis.IntCmd
	_, err := x.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		ver = p.Get(ctx, verKey(campaignID))
		total = p.ZCard(ctx, newKey(campaignID))
		return nil
	})
	if err != nil && err != redis.Nil {
		return Stat{}, fmt.Errorf("gallery: stat: %w", err)
	}
	v, _ := ver.Int64()
	return Stat{Version: v, Total: total.Val()}, nil
}

// Page returns one page of a gallery.
func (x *Index) Page(ctx context.Context, q Query) (Page, error) {
	st, err := x.Stat(ctx, q.CampaignID)
	if err != nil {
		return Page{}, err
	}
	return x.PageAt(ctx, q, st)
}

// PageAt returns one page of a gallery whose Stat the caller just read.
// Top and shuffled pages take one more round trip (a script reads the
// ranks and their cards together); newest and search take two.
func (x *Index) PageAt(ctx context.Context, q Query, st Stat) (Page, error) {
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 24
	}
	page := Page{Total: st.Total}
	var (
		ids  []string
		next string
		err  error
	)
	switch {
	case strings.TrimSpace(q.Search) != "":
		ids, next, page.Total, err = x.search(ctx, q)
	case q.Order == Newest:
		ids, next, err = x.newest(ctx, q)
	case q.Order == Top:
		page.Cards, page.Next, err = x.top(ctx, q)
		return page, err
	default:
		page.Cards, page.Next, err = x.shuffled(ctx, q, st.Total)
		return page, err
	}
	if err != nil {
		return Page{}, err
	}
	if page.Cards, err = x.cards(ctx, ids); err != nil {
		return Page{}, err
	}
	page.Next = next
	return page, nil
}

//go:embed cards_at_ranks.lua
var cardsAtRanksLua string

// cardsAtRanks reads, for each rank (0 is the highest score), the member
// of a sorted set and the card fields a listing shows (listFields: not the
// search words or the owner), skipping ranks past the end and cards
// removed meanwhile. It reads card keys not passed in KEYS, which is fine
// on one Redis server (not on Redis Cluster).
var cardsAtRanks = redis.NewScript(cardsAtRanksLua)

// listFields are the card fields cardsAtRanks reads, in its order.
var listFields = []string{"title", "creator", "poster", "preview", "duration", "live_at", "views", "votes"}

func (x *Index) cardsAt(ctx context.Context, key string, ranks []int64) ([]Card, error) {
	args := make([]any, len(ranks))
	for i, r := range ranks {
		args[i] = r
	}
	res, err := cardsAtRanks.Run(ctx, x.Redis, []string{key}, args...).Slice()
	if err != nil {
		return nil, fmt.Errorf("gallery: cards: %w", err)
	}
	out := make([]Card, 0, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		id, _ := res[i].(string)
		vals, _ := res[i+1].([]any)
		f := make(map[string]string, len(listFields))
		for j, k := range listFields {
			if j < len(vals) {
				f[k], _ = vals[j].(string)
			}
		}
		out = append(out, cardFrom(id, f))
	}
	return out, nil
}

// newest pages by (live-at, id) so entries going live meanwhile do not
// shift later pages.
func (x *Index) newest(ctx context.Context, q Query) ([]string, string, error) {
	max, after := "+inf", ""
	if q.Cursor != "" {
		ms, id, ok := strings.Cut(q.Cursor, "_")
		if _, err := strconv.ParseInt(ms, 10, 64); !ok || err != nil || id == "" {
			return nil, "", ErrBadCursor
		}
		max, after = ms, id
	}
	var ids []string
	var last redis.Z
	for offset := int64(0); ; {
		batch := int64(q.Limit + 1 + 32)
		zs, err := x.Redis.ZRevRangeByScoreWithScores(ctx, newKey(q.CampaignID), &redis.ZRangeBy{Max: max, Min: "-inf", Offset: offset, Count: batch}).Result()
		if err != nil {
			return nil, "", fmt.Errorf("gallery: newest: %w", err)
		}
		for _, z := range zs {
			id := z.Member.(string)
			// Equal scores come in descending id order: skip up to the cursor.
			if after != "" && strconv.FormatInt(int64(z.Score), 10) == max && id >= after {
				continue
			}
			if len(ids) == q.Limit {
				return ids, cursorOf(last), nil
			}
			ids, last = append(ids, id), z
		}
		if int64(len(zs)) < batch {
			return ids, "", nil
		}
		offset += batch
	}
}

func cursorOf(z redis.Z) string {
	return strconv.FormatInt(int64(z.Score), 10) + "_" + z.Member.(string)
}

// top pages by rank: votes move entries, so a later page may repeat or skip
// one that moved meanwhile, as on any live leaderboard.
func (x *Index) top(ctx context.Context, q Query) ([]Card, string, error) {
	from, err := offsetCursor(q.Cursor)
	if err != nil {
		return nil, "", err
	}
	ranks := make([]int64, q.Limit+1)
	for i := range ranks {
		ranks[i] = from + int64(i)
	}
	cards, err := x.cardsAt(ctx, topKey(q.CampaignID), ranks)
	if err != nil {
		return nil, "", err
	}
	if len(cards) > q.Limit {
		return cards[:q.Limit], strconv.FormatInt(from+int64(q.Limit), 10), nil
	}
	return cards, "", nil
}

// shuffled pages through the visitor's permutation of the newest order.
func (x *Index) shuffled(ctx context.Context, q Query, n int64) ([]Card, string, error) {
	from, err := offsetCursor(q.Cursor)
	if err != nil {
		return nil, "", err
	}
	perm := NewPermutation(uint64(n), q.Seed)
	end := min(from+int64(q.Limit), n)
	if from >= end {
		return nil, "", nil
	}
	ranks := make([]int64, 0, end-from)
	for i := from; i < end; i++ {
		ranks = append(ranks, int64(perm.Index(uint64(i))))
	}
	cards, err := x.cardsAt(ctx, newKey(q.CampaignID), ranks)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if end < n {
		next = strconv.FormatInt(end, 10)
	}
	return cards, next, nil
}

// search finds entries with a word starting with each query word, newest
// first.
func (x *Index) search(ctx context.Context, q Query) ([]string, string, int64, error) {
	from, err := offsetCursor(q.Cursor)
	if err != nil {
		return nil, "", 0, err
	}
	var hits map[string]bool
	for _, term := range Words(q.Search) {
		ms, err := x.Redis.ZRangeArgs(ctx, redis.ZRangeArgs{Key: wordsKey(q.CampaignID), ByLex: true,
			Start: "[" + term, Stop: "[" + term + "\xff", Count: maxSearch}).Result()
		if err != nil {
			return nil, "", 0, fmt.Errorf("gallery: search: %w", err)
		}
		found := map[string]bool{}
		for _, m := range ms {
			if _, id, ok := strings.Cut(m, "\x00"); ok && (hits == nil || hits[id]) {
				found[id] = true
			}
		}
		hits = found
	}
	if len(hits) == 0 {
		return nil, "", 0, nil
	}
	ids := make([]string, 0, len(hits))
	for id := range hits {
		ids = append(ids, id)
	}
	scores, err := x.Redis.ZMScore(ctx, newKey(q.CampaignID), ids...).Result()
	if err != nil {
		return nil, "", 0, fmt.Errorf("gallery: search: %w", err)
	}
	at := map[string]float64{}
	for i, id := range ids {
		at[id] = scores[i]
	}
	slices.SortFunc(ids, func(a, b string) int {
		if at[a] != at[b] {
			return -cmpFloat(at[a], at[b])
		}
		return -strings.Compare(a, b)
	})
	total := int64(len(ids))
	if from >= total {
		return nil, "", total, nil
	}
	page, next, err := trimPage(ids[from:min(from+int64(q.Limit)+1, total)], q.Limit, from)
	return page, next, total, err
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// trimPage cuts a fetched page of limit+1 ids and says where the next
// starts.
func trimPage(ids []string, limit int, from int64) ([]string, string, error) {
	if len(ids) > limit {
		return ids[:limit], strconv.FormatInt(from+int64(limit), 10), nil
	}
	return ids, "", nil
}

func offsetCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt32 {
		return 0, ErrBadCursor
	}
	return n, nil
}

// cards reads cards in order, leaving out any removed meanwhile.
func (x *Index) cards(ctx context.Context, ids []string) ([]Card, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err := x.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, cardKey(id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("gallery: cards: %w", err)
	}
	out := make([]Card, 0, len(ids))
	for i, c := range cmds {
		if f := c.Val(); len(f) > 0 {
			out = append(out, cardFrom(ids[i], f))
		}
	}
	return out, nil
}

func cardFields(c Card, words []string) map[string]any {
	return map[string]any{
		"campaign": c.CampaignID, "title": c.Title, "creator": c.CreatorName, "poster": c.Poster, "preview": c.Preview,
		"duration": strconv.FormatFloat(c.DurationSeconds, 'f', 2, 64), "live_at": c.LiveAt.UnixMilli(),
		"views": c.Views, "votes": c.Votes, "words": strings.Join(words, " "), "owner": c.OwnerID,
	}
}

func cardFrom(id string, f map[string]string) Card {
	num := func(k string) int64 { n, _ := strconv.ParseInt(f[k], 10, 64); return n }
	d, _ := strconv.ParseFloat(f["duration"], 64)
	return Card{
		ID: id, CampaignID: f["campaign"], Title: f["title"], CreatorName: f["creator"], Poster: f["poster"], Preview: f["preview"],
		DurationSeconds: d, LiveAt: time.UnixMilli(num("live_at")).UTC(), Views: num("views"), Votes: num("votes"), OwnerID: f["owner"],
	}
}

func wordMembers(words []string, id string) []any {
	out := make([]any, len(words))
	for i, w := range words {
		out[i] = w + "\x00" + id
	}
	return out
}

func wordZ(words []string, id string) []redis.Z {
	out := make([]redis.Z, len(words))
	for i, w := range words {
		out[i] = redis.Z{Member: w + "\x00" + id}
	}
	return out
}

// Rebuild replaces a campaign's read model with the cards each yields (all
// of its live entries, read from the system of record). The orders are
// built under temporary keys and swapped in at once, so readers see the old
// gallery or the new one, never half; cards of entries no longer live are
// deleted. It returns how many cards it wrote.
func (x *Index) Rebuild(ctx context.Context, campaignID string, each func(yield func(Card) error) error) (int, error) {
	const suffix = ":rebuild"
	keys := []string{newKey(campaignID), topKey(campaignID), wordsKey(campaignID)}
	for _, k := range keys {
		if err := x.Redis.Del(ctx, k+suffix).Err(); err != nil {
			return 0, fmt.Errorf("gallery: rebuild: %w", err)
		}
	}
	seen, hasWords := map[string]bool{}, false
	batch := x.Redis.Pipeline()
	flush := func() error {
		if batch.Len() == 0 {
			return nil
		}
		_, err := batch.Exec(ctx)
		return err
	}
	err := each(func(c Card) error {
		seen[c.ID] = true
		hasWords = addCard(ctx, batch, c, suffix) || hasWords
		if batch.Len() >= 2000 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return 0, fmt.Errorf("gallery: rebuild %s: %w", campaignID, err)
	}
	old, err := x.Redis.ZRange(ctx, keys[0], 0, -1).Result()
	if err != nil {
		return 0, fmt.Errorf("gallery: rebuild: %w", err)
	}
	// One transaction: RENAME replaces each order in place; an order with
	// nothing in it (no temporary key) is deleted.
	_, err = x.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			if len(seen) > 0 && (i < 2 || hasWords) {
				p.Rename(ctx, k+suffix, k)
			} else {
				p.Del(ctx, k)
			}
		}
		p.Incr(ctx, verKey(campaignID))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("gallery: rebuild swap: %w", err)
	}
	for _, id := range old {
		if !seen[id] {
			if err := x.Redis.Del(ctx, cardKey(id)).Err(); err != nil {
				return 0, fmt.Errorf("gallery: rebuild: %w", err)
			}
		}
	}
	return len(seen), nil
}

// Votes returns the vote counts on the cards of a campaign's gallery.
func (x *Index) Votes(ctx context.Context, campaignID string) (map[string]int64, error) {
	zs, err := x.Redis.ZRangeWithScores(ctx, topKey(campaignID), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("gallery: votes: %w", err)
	}
	out := make(map[string]int64, len(zs))
	for _, z := range zs {
		out[z.Member.(string)] = int64(z.Score)
	}
	return out, nil
}

//go:embed set_votes_if_present.lua
var setVotesIfPresentLua string

// setVotesIfPresent sets a card's vote count and Top score, if the card
// exists.
var setVotesIfPresent = redis.NewScript(setVotesIfPresentLua)

// SetVotes sets a live entry's vote count (reconcile).
func (x *Index) SetVotes(ctx context.Context, campaignID, id string, n int64) error {
	if err := setVotesIfPresent.Run(ctx, x.Redis, []string{cardKey(id), topKey(campaignID)}, n, id).Err(); err != nil {
		return fmt.Errorf("gallery: set votes: %w", err)
	}
	return nil
}

// addCard queues a card's hash and its place in every order (under keys
// ending in suffix: "" for the live ones, the rebuild's temporary suffix);
// it reports whether the card has search words.
func addCard(ctx context.Context, p redis.Pipeliner, c Card, suffix string) bool {
	words := Words(c.Title, c.CreatorName)
	p.HSet(ctx, cardKey(c.ID), cardFields(c, words))
	p.ZAdd(ctx, newKey(c.CampaignID)+suffix, redis.Z{Score: float64(c.LiveAt.UnixMilli()), Member: c.ID})
	p.ZAdd(ctx, topKey(c.CampaignID)+suffix, redis.Z{Score: float64(c.Votes), Member: c.ID})
	if len(words) > 0 {
		p.ZAdd(ctx, wordsKey(c.CampaignID)+suffix, wordZ(words, c.ID)...)
	}
	return len(words) > 0
}
