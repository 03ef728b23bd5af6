package votes

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Journal entries. Each entry holds the ballots one gate batch recorded:
// field "v" is "3" and field "b" their records joined by \x1e. A record is
// the slot the ballot took (0 for one vote per entry), how friction was
// passed (0 not asked, 1 email, 2 proof of work), the checks that held it
// (bits, 0 for none) and the ballot's fields, all joined by \x1f; the
// ballot's key follows from them. Version "2" records have no hold bits
// and no automation signal; entries written before batching (no "v") hold
// one BSON ballot in "b" and its key in "k".
const (
	recordSep = "\x1e"
	fieldSep  = "\x1f"
)

// separators blanks the separators out of a field.
var separators = strings.NewReplacer(recordSep, "?", fieldSep, "?")

// journalRecord is a ballot as the gate journals it, without the slot and
// challenge the script puts in front.
func journalRecord(b Ballot) string {
	verified := "0"
	if b.Verified {
		verified = "1"
	}
	s := b.Signals
	fields := []string{b.ID, b.CampaignID, b.EntryID, b.Voter, verified, b.Period, strconv.FormatInt(b.At.UnixMilli(), 10),
		s.IPHash, s.SubnetHash, s.Device, s.UAFamily, strconv.FormatInt(s.SincePageMS, 10), s.Automation}
	for i, f := range fields {
		if strings.ContainsAny(f, recordSep+fieldSep) { // only a device cookie could: never in ours
			fields[i] = separators.Replace(f)
		}
	}
	return strings.Join(fields, fieldSep)
}

var errBadRecord = errors.New("votes: unreadable journal record")

// parseRecord reads one record the gate wrote (version "2" or "3").
func parseRecord(rec string, v3 bool) (Ballot, error) {
	f := strings.Split(rec, fieldSep)
	var hold int64
	switch {
	case v3 && len(f) == 16:
		h, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return Ballot{}, errBadRecord
		}
		hold = h
		f = append(f[:2], f[3:]...) // as version 2, with the automation signal at the end
	case !v3 && len(f) == 14:
	default:
		return Ballot{}, errBadRecord
	}
	slot, err1 := strconv.Atoi(f[0])
	at, err2 := strconv.ParseInt(f[8], 10, 64)
	since, err3 := strconv.ParseInt(f[13], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return Ballot{}, errBadRecord
	}
	b := Ballot{ID: f[2], CampaignID: f[3], EntryID: f[4], Voter: f[5], Verified: f[6] == "1", Period: f[7],
		At: time.UnixMilli(at).UTC(), Signals: Signals{IPHash: f[9], SubnetHash: f[10], Device: f[11], UAFamily: f[12], SincePageMS: since}}
	if len(f) > 14 {
		b.Signals.Automation = f[14]
	}
	switch f[1] {
	case "1":
		b.Signals.Challenge = "email"
	case "2":
		b.Signals.Challenge = "pow"
	}
	b.Held, b.Hold = hold != 0, Checks(hold).Names()
	b.Key = ballotKey(slot > 0, b.CampaignID, b.EntryID, b.Voter, b.Period, slot)
	return b, nil
}

// decodeEntry returns the ballots of one journal entry.
func decodeEntry(v map[string]any) ([]Ballot, error) {
	raw, _ := v["b"].(string)
	ver, _ := v["v"].(string)
	if ver != "2" && ver != "3" {
		b, err := decodeLegacy(raw, v["k"])
		if err != nil {
			return nil, err
		}
		return []Ballot{b}, nil
	}
	recs := strings.Split(raw, recordSep)
	out := make([]Ballot, 0, len(recs))
	for _, r := range recs {
		b, err := parseRecord(r, ver == "3")
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// decodeLegacy reads an entry written before batching: one BSON ballot.
func decodeLegacy(raw string, key any) (Ballot, error) {
	var d ballotDoc
	if err := bson.Unmarshal([]byte(raw), &d); err != nil {
		return Ballot{}, fmt.Errorf("votes: journaled ballot: %w", err)
	}
	d.Key, _ = key.(string)
	return d.ballot(), nil
}
