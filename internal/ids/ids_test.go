package ids

import "testing"

func TestNewAndValid(t *testing.T) {
	a, b := New("en_"), New("en_")
	if a == b || !Valid("en_", a) || len(a) != 29 {
		t.Errorf("New = %q, %q", a, b)
	}
	for _, bad := range []string{"", "en_", "cp_" + a[3:], a + "x", a[:28], "en_AAAAAAAAAAAAAAAAAAAAAAAAAA", "en_aaaaaaaaaaaaaaaaaaaaaaaaa$"} {
		if Valid("en_", bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
}
