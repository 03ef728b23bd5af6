package campaigns

import (
	"errors"
	"sync"
	"time"

	_ "time/tzdata" // the zone database travels with the binary: a container may lack /usr/share/zoneinfo
)

// zones remembers loaded time zones: every vote reads its campaign's, and
// loading one parses the zone database.
var zones sync.Map // name -> *time.Location

// Location is the time zone named (IANA), UTC for "".
func Location(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err == nil && name == "Local" {
		err = errors.New("campaigns: the server's own zone is not a campaign's")
	}
	if err != nil {
		return time.UTC, err
	}
	zones.Store(name, l)
	return l, nil
}
