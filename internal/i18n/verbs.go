package i18n

import (
	"regexp"
	"sort"
)

var verbRE = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)
var indexRE = regexp.MustCompile(`\[\d+\]`)

// Verbs are the fmt verbs of a format, without their argument indexes,
// sorted: two formats that take the same arguments have the same verbs.
func Verbs(format string) []string {
	vs := verbRE.FindAllString(format, -1)
	out := vs[:0]
	for _, v := range vs {
		if v != "%%" {
			out = append(out, indexRE.ReplaceAllString(v, ""))
		}
	}
	sort.Strings(out)
	return out
}
