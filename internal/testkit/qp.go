package testkit

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

func qpReader(m *mail.Message) io.Reader {
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		return quotedprintable.NewReader(m.Body)
	}
	return m.Body
}

// DecodeSubject decodes an RFC 2047 subject.
func DecodeSubject(s string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}
