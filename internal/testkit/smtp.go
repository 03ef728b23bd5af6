package testkit

import (
	"errors"
	"io"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message the test SMTP server accepted.
type Mail struct {
	From, To string
	Header   mail.Header
	Body     string // decoded from quoted-printable
	Raw      []byte
	At       time.Time // when the server accepted it
}

// SMTPServer is a real SMTP protocol server on loopback that records what
// it receives. Refuse makes it reject every message (an outage).
type SMTPServer struct {
	Addr string
	mu   sync.Mutex
	got  []Mail
	down bool
	srv  *smtp.Server
}

// StartSMTP starts a server for the test and stops it at cleanup.
func StartSMTP(t testing.TB) *SMTPServer {
	t.Helper()
	s, err := NewSMTP()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewSMTP starts a server on a free loopback port (for the bench; tests
// use StartSMTP). Close stops it.
func NewSMTP() (*SMTPServer, error) {
	s := &SMTPServer{}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.MaxMessageBytes = 1 << 20
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Addr = l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Close stops the server.
func (s *SMTPServer) Close() { _ = s.srv.Close() }

// Port returns the server's port.
func (s *SMTPServer) Port() string { _, p, _ := net.SplitHostPort(s.Addr); return p }

// Refuse turns the outage on or off.
func (s *SMTPServer) Refuse(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }

// Messages returns what was received so far.
func (s *SMTPServer) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.got...)
}

// WaitFor polls until a message to addr whose subject contains subject has
// arrived, or fails the test after a hang guard.
func (s *SMTPServer) WaitFor(t testing.TB, to, subject string) Mail {
	t.Helper()
	for range 600 {
		for _, m := range s.Messages() {
			if m.To == to && strings.Contains(DecodeSubject(m.Header.Get("Subject")), subject) {
				return m
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no mail to %s with subject %q; got %d messages", to, subject, len(s.Messages()))
	return Mail{}
}

type smtpSession struct {
	s        *SMTPServer
	from, to string
}

func (x *smtpSession) Reset()        {}
func (x *smtpSession) Logout() error { return nil }
func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.s.mu.Lock()
	down := x.s.down
	x.s.mu.Unlock()
	if down {
		return &smtp.SMTPError{Code: 421, Message: "service not available (test outage)"}
	}
	x.from = from
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error { x.to = to; return nil }
func (x *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return errors.New("unparseable message")
	}
	body, _ := io.ReadAll(qpReader(msg))
	x.s.mu.Lock()
	x.s.got = append(x.s.got, Mail{From: x.from, To: x.to, Header: msg.Header, Body: string(body), Raw: raw, At: time.Now()})
	x.s.mu.Unlock()
	return nil
}
