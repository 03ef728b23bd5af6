package admin

import "testing"

func TestLinkify(t *testing.T) {
	for in, want := range map[string]string{
		"Sign in: http://x.test/auth/callback?token=a.b-c_d\n\nThanks.": `Sign in: <a href="http://x.test/auth/callback?token=a.b-c_d" rel="noopener noreferrer">http://x.test/auth/callback?token=a.b-c_d</a>` + "\n\nThanks.",
		"See https://x.test/e/1.":         `See <a href="https://x.test/e/1" rel="noopener noreferrer">https://x.test/e/1</a>.`,
		`<b>"javascript:alert(1)"</b>`:    `&lt;b&gt;&#34;javascript:alert(1)&#34;&lt;/b&gt;`,
		`x https://a.test/"onmouseover=y`: `x <a href="https://a.test/" rel="noopener noreferrer">https://a.test/</a>&#34;onmouseover=y`,
		"no links & <tags>":               "no links &amp; &lt;tags&gt;",
		"(https://a.test/q?x=1&y=2)":      `(<a href="https://a.test/q?x=1&amp;y=2" rel="noopener noreferrer">https://a.test/q?x=1&amp;y=2</a>)`,
	} {
		if got := string(linkify(in)); got != want {
			t.Errorf("linkify(%q)\n got %s\nwant %s", in, got, want)
		}
	}
}
