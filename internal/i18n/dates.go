package i18n

import (
	"strconv"
	"time"
)

var (
	esDays   = [...]string{"dom", "lun", "mar", "mié", "jue", "vie", "sáb"}
	esMonths = [...]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"}
)

// When says a moment in l as the pages write it before the visitor's
// browser rewrites it in their own zone: "Mon 2 Jan 2006, 15:04 MST" in
// English, "lun 2 ene 2006, 15:04 MST" in Spanish.
func (l Lang) When(t time.Time) string {
	if l != ES {
		return t.Format("Mon 2 Jan 2006, 15:04 MST")
	}
	return esDays[t.Weekday()] + " " + strconv.Itoa(t.Day()) + " " + esMonths[t.Month()-1] + " " +
		strconv.Itoa(t.Year()) + ", " + t.Format("15:04 MST")
}
