package worker_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/worker"
)

type noQueue struct{}

func (noQueue) EnqueueMail(context.Context, string) error { return nil }

func mailFixture(t *testing.T) (*worker.MailHandler, *mail.Mailer, *testkit.SMTPServer) {
	k := testkit.New(t)
	srv := testkit.StartSMTP(t)
	var port int
	for _, c := range srv.Port() {
		port = port*10 + int(c-'0')
	}
	outbox := mail.NewMongoStore(k.DB.Collection(mongodb.Outbox))
	h := &worker.MailHandler{
		Outbox: outbox, From: "Brand <no-reply@brand.test>", Domain: "brand.test", Now: time.Now, Log: k.Log,
		Sender: mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, Timeout: 10 * time.Second}),
	}
	return h, &mail.Mailer{Store: outbox, Queue: noQueue{}, Enabled: true, Now: time.Now}, srv
}

func sendTask(id string) *asynq.Task {
	b, _ := json.Marshal(tasks.MailSend{MessageID: id})
	return asynq.NewTask(tasks.TypeMailSend, b)
}

func TestMailDeliveredOnceWhenRetried(t *testing.T) {
	t.Parallel()
	h, ml, srv := mailFixture(t)
	ctx := context.Background()
	m, err := ml.Send(ctx, mail.Message{Kind: mail.KindEntryReceived, To: "fan@example.com", Subject: "Thanks, Zoë!\r\nBcc: evil@example.com", Text: "Hello\nthere"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // at-least-once delivery: the same task runs again
		if err := h.ProcessTask(ctx, sendTask(m.ID)); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("SMTP server received %d messages, want exactly 1", len(got))
	}
	g := got[0]
	if g.To != "fan@example.com" || g.Header.Get("Message-Id") != "<"+m.ID+"@brand.test>" || !strings.Contains(g.Body, "Hello\r\nthere") {
		t.Errorf("received %+v", g)
	}
	if subj := testkit.DecodeSubject(g.Header.Get("Subject")); subj != "Thanks, Zoë! Bcc: evil@example.com" || g.Header.Get("Bcc") != "" {
		t.Errorf("subject %q: header injection not neutralised", subj)
	}
	stored, _ := h.Outbox.Get(ctx, m.ID)
	if stored.Status != mail.Sent || stored.Attempts != 1 {
		t.Errorf("outbox record %s after %d attempts", stored.Status, stored.Attempts)
	}
}

func TestMailSurvivesSMTPOutage(t *testing.T) {
	t.Parallel()
	h, ml, srv := mailFixture(t)
	ctx := context.Background()
	m, _ := ml.Send(ctx, mail.Message{Kind: mail.KindEntryReceived, To: "fan@example.com", Subject: "s", Text: "t"})
	srv.Refuse(true)
	if err := h.ProcessTask(ctx, sendTask(m.ID)); err == nil {
		t.Fatal("send during the outage reported success")
	}
	stored, _ := h.Outbox.Get(ctx, m.ID)
	if stored.Status != mail.Failed || stored.LastError == "" || stored.Attempts != 1 {
		t.Errorf("during outage: %+v", stored)
	}
	srv.Refuse(false)
	if err := h.ProcessTask(ctx, sendTask(m.ID)); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("after recovery the server has %d messages, want 1", n)
	}
	stored, _ = h.Outbox.Get(ctx, m.ID)
	if stored.Status != mail.Sent || stored.Attempts != 2 || stored.LastError != "" {
		t.Errorf("after recovery: %+v", stored)
	}
}

func TestMailKeptWithoutSMTP(t *testing.T) {
	t.Parallel()
	_, ml, _ := mailFixture(t)
	ml.Enabled = false
	m, err := ml.Send(context.Background(), mail.Message{Kind: mail.KindLoginLink, To: "fan@example.com", Subject: "s", Text: "t"})
	if err != nil || m.Status != mail.Kept {
		t.Errorf("without SMTP: %+v %v", m, err)
	}
	if _, err := ml.Send(context.Background(), mail.Message{To: "not an address"}); err == nil {
		t.Error("bad recipient accepted")
	}
}
