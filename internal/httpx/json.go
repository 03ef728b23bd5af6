package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
)

// MaxJSONBytes bounds a JSON request body.
const MaxJSONBytes = 1 << 20

// BindJSON decodes a JSON body strictly into v (a pointer to a struct):
// the JSON content type (which a cross-site HTML form cannot send), one
// object and nothing after it, known fields only, no null where a value
// belongs, at most MaxJSONBytes. Every refusal is a 4xx *Error whose
// message names the field in the client's terms, never Go's.
func BindJSON(c *gin.Context, v any) error {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		return E(http.StatusUnsupportedMediaType, "json_required", "Send the body as application/json.")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxJSONBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return E(http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("The JSON body is larger than %d KB.", MaxJSONBytes>>10))
	}
	if err != nil {
		return E(http.StatusBadRequest, "invalid_json", "The request body could not be read.")
	}
	return DecodeStrict(raw, v)
}

// DecodeStrict is BindJSON's decoding, for bodies already read.
func DecodeStrict(raw []byte, v any) error {
	bad := func(format string, args ...any) error {
		return E(http.StatusBadRequest, "invalid_json", fmt.Sprintf(format, args...))
	}
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) == 0:
		return bad("The request body is empty: send a JSON object.")
	case trimmed[0] != '{':
		return bad("Send a JSON object ({...}), not %s.", jsonKind(trimmed))
	}
	// A null where a value belongs would leave the field as it was (or
	// reset it): refuse it by name.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err == nil {
		for name, val := range fields {
			if string(bytes.TrimSpace(val)) == "null" {
				return &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: fmt.Sprintf("%q must not be null: leave it out or give a value.", name),
					Fields: map[string]string{name: "must not be null"}}
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, v)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad("Send one JSON object and nothing after it.")
	}
	return nil
}

// jsonError turns a decoding error into a message in JSON's terms.
func jsonError(err error, v any) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return E(http.StatusBadRequest, "invalid_json", fmt.Sprintf("The body is not valid JSON (near character %d).", syn.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return E(http.StatusBadRequest, "invalid_json", "The JSON body ends too soon.")
	case errors.As(err, &typ) && typ.Field != "":
		return &Error{Status: http.StatusBadRequest, Code: "invalid_json",
			Message: fmt.Sprintf("%q must be %s.", typ.Field, jsonType(typ.Type)), Fields: map[string]string{typ.Field: "must be " + jsonType(typ.Type)}}
	case errors.As(err, &typ):
		return E(http.StatusBadRequest, "invalid_json", "Send a JSON object ({...}).")
	}
	// encoding/json reports an unknown field only as text: `json: unknown
	// field "name"`.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &Error{Status: http.StatusBadRequest, Code: "invalid_json",
			Message: fmt.Sprintf("%q is not a field here; the fields are %s.", name, fieldList(v)), Fields: map[string]string{name: "unknown field"}}
	}
	return E(http.StatusBadRequest, "invalid_json", "The JSON body could not be read.")
}

// jsonType names a Go type the way a JSON client thinks of it.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct:
		if t.String() == "time.Time" {
			return "a date and time (RFC 3339, such as 2026-12-02T18:00:00Z)"
		}
		return "an object"
	case reflect.Map:
		return "an object"
	}
	return "another kind of value"
}

// jsonKind names the kind of JSON value raw starts with.
func jsonKind(raw []byte) string {
	switch raw[0] {
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "true or false"
	}
	return "a number"
}

// fieldList lists the JSON names of v's fields, for an unknown-field
// message.
func fieldList(v any) string {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return "those of the documented body"
	}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}
