package mongodb

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// counted counts how often its value is formatted.
type counted struct{ n *int }

func (c counted) LogValue() slog.Value { *c.n++; return slog.StringValue("doc") }

func TestErrorsOnlyFormatsAttributesOnlyForErrors(t *testing.T) {
	var buf bytes.Buffer
	var formatted int
	log := slog.New(errorsOnly{h: slog.NewTextHandler(&buf, nil)}).With("component", "ferretdb")
	stmt := log.WithGroup("sql").With("args", counted{&formatted})
	stmt.Info("insert")
	stmt.Warn("slow")
	if formatted != 0 || buf.Len() != 0 {
		t.Fatalf("info and warn: formatted %d times, wrote %q; want nothing", formatted, buf.String())
	}
	stmt.Error("failed")
	if formatted != 1 {
		t.Fatalf("error: args formatted %d times, want 1", formatted)
	}
	if got := buf.String(); !strings.Contains(got, "component=ferretdb") || !strings.Contains(got, "sql.args=doc") || !strings.Contains(got, "msg=failed") {
		t.Fatalf("error record = %q, want component, grouped args and message", got)
	}
}
