package httpx

import (
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/problem"
)

// langKey holds the request's language resolver (see SetLanguage).
const langKey = "httpx.lang"

// SetLanguage gives the request a way to find the language its messages
// are written in (the campaign's, or the Accept-Language header's). It is
// called only when needed, such as when an error is written, so finding
// a campaign costs nothing on requests that succeed.
func SetLanguage(c *gin.Context, resolve func() i18n.Lang) {
	var l i18n.Lang
	c.Set(langKey, func() i18n.Lang {
		if l == "" {
			l = resolve()
		}
		return l
	})
}

// Lang is the request's language: its resolver's answer, or the
// Accept-Language header's best when it has none.
func Lang(c *gin.Context) i18n.Lang {
	if v, ok := c.Get(langKey); ok {
		if f, ok := v.(func() i18n.Lang); ok {
			return f()
		}
	}
	return i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
}

// localize is an error's message in l: a refusal's own text in l when the
// message is exactly that text, the catalogue's text when the message is
// a key, and the English otherwise. The code never changes.
func localize(l i18n.Lang, he *Error) string {
	if l == i18n.EN {
		return he.Message
	}
	var pe *problem.Error
	if errors.As(he.Err, &pe) && pe.Text() == he.Message {
		return pe.TextIn(l)
	}
	return l.T(he.Message)
}
