package campaigns

import (
	"strings"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/messages"
)

// Lang is the language the campaign speaks (English when it names none).
func (c Campaign) Lang() i18n.Lang { return i18n.Parse(string(c.Language)) }

// validateLanguage accepts en or es (any case), and empty for English.
func (c *Campaign) validateLanguage(fe FieldErrors) {
	raw := strings.ToLower(strings.TrimSpace(string(c.Language)))
	if raw == "" {
		c.Language = i18n.EN
		return
	}
	if l := i18n.Lang(raw); l.Valid() {
		c.Language = l
		return
	}
	codes := make([]string, len(i18n.Langs))
	for i, l := range i18n.Langs {
		codes[i] = string(l)
	}
	fe["language"] = "use one of " + strings.Join(codes, ", ")
}

// OwnMessages are the campaign's own templates in its language.
func (c Campaign) OwnMessages() messages.Set {
	if l := c.Lang(); l != i18n.EN {
		return c.MessagesIn[l]
	}
	return c.Messages
}

// Template is what the campaign says at a stage: its own template in its
// language, or that language's default.
func (c Campaign) Template(stage messages.Stage) messages.Template {
	return c.OwnMessages().In(c.Lang(), stage)
}

// mediaRelease is the campaign's media release text: its own, or the
// default in its language (also when the text is the default in another
// language, as after the campaign's language changed).
func mediaRelease(text string, l i18n.Lang) string {
	text = strings.TrimSpace(text)
	for _, other := range i18n.Langs {
		if text == other.T(DefaultMediaRelease) {
			text = ""
		}
	}
	if text == "" {
		return l.T(DefaultMediaRelease)
	}
	return text
}
