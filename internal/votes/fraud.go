package votes

import (
	"slices"
	"sort"
	"time"
)

// Cluster is a group of an entry's ballots that share something a crowd
// of real fans rarely shares at once, or that an automatic check held.
type Cluster struct {
	Kind       string // subnet, device, burst, fast (voted with no page view or within 2 s of it), browser, held (Key: the check)
	Key        string // the shared value (a keyed hash, a minute, a browser family): never an address
	Ballots    int    // ballots in it not discounted (counted or held)
	Held       int    // of those, held for review
	Discounted int    // ballots in it already discounted
	First      time.Time
	Last       time.Time
}

// Thresholds above which a group of ballots is a cluster.
const (
	clusterMin   = 5   // ballots
	clusterShare = 0.2 // of the entry's ballots, for subnet and browser groups
)

// Analyze finds an entry's clusters and a fraud score from 0 (nothing
// stands out) to 100 (every counted ballot is in a suspicious cluster).
func Analyze(bs []Ballot) (clusters []Cluster, score int) {
	type group struct {
		kind, key string
	}
	members := map[group][]Ballot{}
	counted := 0
	for _, b := range bs {
		if !b.Discounted {
			counted++
		}
		add := func(kind, key string) {
			if key != "" {
				g := group{kind, key}
				members[g] = append(members[g], b)
			}
		}
		add("subnet", b.Signals.SubnetHash)
		add("device", b.Signals.Device)
		add("burst", b.At.UTC().Truncate(time.Minute).Format("2006-01-02 15:04"))
		if fast(b) {
			add("fast", "no page view or under 2 s")
		}
		if scripted(b) {
			add("browser", b.Signals.UAFamily)
		}
		if b.Held {
			for _, c := range b.Hold {
				add("held", c)
			}
		}
	}
	suspicious := map[string]bool{}
	for g, list := range members {
		c := Cluster{Kind: g.kind, Key: g.key, First: list[0].At, Last: list[0].At}
		for _, b := range list {
			if b.Discounted {
				c.Discounted++
			} else {
				c.Ballots++
				if b.Held {
					c.Held++
				}
			}
			if b.At.Before(c.First) {
				c.First = b.At
			}
			if b.At.After(c.Last) {
				c.Last = b.At
			}
		}
		size := c.Ballots + c.Discounted
		big := size >= clusterMin || g.kind == "held" // what a check held is always shown
		if g.kind == "subnet" {
			// Many fans share a network (a campus, a mobile carrier): only a
			// large share of one entry's votes from one is telling.
			big = big && float64(size) >= clusterShare*float64(len(bs))
		}
		if !big {
			continue
		}
		clusters = append(clusters, c)
		for _, b := range list {
			if !b.Discounted {
				suspicious[b.ID] = true
			}
		}
	}
	sort.Slice(clusters, func(i, j int) bool {
		if clusters[i].Ballots != clusters[j].Ballots {
			return clusters[i].Ballots > clusters[j].Ballots
		}
		return clusters[i].Kind+clusters[i].Key < clusters[j].Kind+clusters[j].Key
	})
	if counted > 0 {
		score = (100*len(suspicious) + counted/2) / counted
	}
	return clusters, score
}

// InCluster reports whether a ballot belongs to the cluster kind/key.
func InCluster(b Ballot, kind, key string) bool {
	switch kind {
	case "subnet":
		return b.Signals.SubnetHash == key
	case "device":
		return b.Signals.Device == key
	case "burst":
		return b.At.UTC().Truncate(time.Minute).Format("2006-01-02 15:04") == key
	case "fast":
		return fast(b)
	case "browser":
		return b.Signals.UAFamily == key
	case "held":
		return b.Held && slices.Contains(b.Hold, key)
	}
	return false
}

// fast: cast with no page view (and no challenge solved) or within 2 s of it.
func fast(b Ballot) bool {
	return b.Signals.SincePageMS >= 0 && b.Signals.SincePageMS < 2000 || b.Signals.SincePageMS < 0 && b.Signals.Challenge == ""
}

// scripted: sent by an automation browser or a script.
func scripted(b Ballot) bool {
	switch b.Signals.UAFamily {
	case "headless", "curl", "python", "go-http", "bot", "none":
		return true
	}
	return false
}

// Flagged reports whether one ballot, on its own, carries a sign fraud
// review groups by: no page view or under 2 s, or an automation browser
// (the campaign's integrity summary counts these as ballots are counted).
func Flagged(b Ballot) bool { return fast(b) || scripted(b) }
