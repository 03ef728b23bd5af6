package webauth

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"

	"github.com/gin-gonic/gin"
)

// DeviceCookie names an anonymous visitor's browser: a random id, used to
// count views and shares once per visitor and to keep a fan's shuffle
// order. It identifies a browser, not a person, and holds nothing else.
const DeviceCookie = "tryout_device"

// Device returns the visitor's device id, setting the cookie on first use.
func (s *Sessions) Device(c *gin.Context) string {
	if ck, err := c.Request.Cookie(DeviceCookie); err == nil && validDevice(ck.Value) {
		return ck.Value
	}
	if v, ok := c.Get(DeviceCookie); ok { // set earlier in this request
		return v.(string)
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	c.Set(DeviceCookie, id)
	http.SetCookie(c.Writer, &http.Cookie{Name: DeviceCookie, Value: id, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(c)})
	return id
}

func validDevice(v string) bool {
	if len(v) != 22 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil
}

// KnownVisitor is Visitor without setting a cookie: "" for a visitor with
// neither a session nor a device cookie.
func KnownVisitor(c *gin.Context) string {
	if id, ok := EntrantID(c); ok {
		return "e:" + id
	}
	if ck, err := c.Request.Cookie(DeviceCookie); err == nil && validDevice(ck.Value) {
		return "d:" + ck.Value
	}
	return ""
}

// Visitor names who is acting for counting purposes: the signed-in entrant
// ("e:" id) or the device ("d:" id).
func (s *Sessions) Visitor(c *gin.Context) string {
	if id, ok := EntrantID(c); ok {
		return "e:" + id
	}
	return "d:" + s.Device(c)
}
