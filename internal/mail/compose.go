package mail

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Compose renders m as an RFC 5322 message from from. The Message-ID is the
// outbox id, so a receiving server can recognise a re-delivery.
func Compose(m Message, from, domain string, now time.Time) []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from)
	h("To", (&mail.Address{Address: m.To}).String())
	h("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	h("Date", now.UTC().Format(time.RFC1123Z))
	h("Message-ID", "<"+m.ID+"@"+domain+">")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	text := m.Text
	if m.Unsubscribe != "" {
		// RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe
		// that POSTs to the URL.
		h("List-Unsubscribe", "<"+oneLine(m.Unsubscribe)+">")
		h("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
		text += "\n\n--\nStop emails like this one: " + m.Unsubscribe
		if m.Preferences != "" {
			text += "\nChoose which emails you get: " + m.Preferences
		}
	}
	b.WriteString("\r\n")
	w := quotedprintable.NewWriter(&b)
	_, _ = w.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
	_ = w.Close()
	return b.Bytes()
}

// oneLine strips line breaks so a subject cannot inject headers.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}
