package api

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// humanBytes writes 500 MB, 1.5 GB and so on (decimal units, as phones show).
func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/1e9), ".0") + " GB"
	case n >= 1e6:
		return fmt.Sprintf("%d MB", n/1e6)
	}
	return fmt.Sprintf("%d KB", max(1, n/1e3))
}

// seconds is a Retry-After value.
func seconds(d time.Duration) string { return strconv.Itoa(int(d.Round(time.Second).Seconds())) }

// humanWait writes 15 minutes, 1 minute or 40 seconds.
func humanWait(d time.Duration) string {
	if d >= time.Minute {
		m := int(d.Round(time.Minute).Minutes())
		if m == 1 {
			return "1 minute"
		}
		return strconv.Itoa(m) + " minutes"
	}
	return strconv.Itoa(max(1, int(d.Round(time.Second).Seconds()))) + " seconds"
}
