package campaigns

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxBrandName bounds the brand's name.
const MaxBrandName = 80

// validateBrand checks how the campaign presents itself when shared.
func (c *Campaign) validateBrand(fe FieldErrors) {
	c.BrandName = strings.TrimSpace(c.BrandName)
	if utf8.RuneCountInString(c.BrandName) > MaxBrandName {
		fe["brand_name"] = fmt.Sprintf("keep the brand's name under %d characters", MaxBrandName)
	}
}

// MB writes a size in decimal megabytes (1 MB = 1,000,000 bytes), the unit
// phones and computers show file sizes in: "500", "524.288" (exact, so the
// console's form gives back what was stored). The form and every public
// page use it, so staff and entrants see the same number.
func MB(bytes int64) string {
	return strconv.FormatFloat(float64(bytes)/1e6, 'f', -1, 64)
}
