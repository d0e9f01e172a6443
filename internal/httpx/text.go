package httpx

import (
	"context"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// Truncate returns s cut to at most n bytes on a rune boundary, with "…"
// when anything was cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// BodyPrefixLen is how much of an unusable body an error quotes.
const BodyPrefixLen = 200

// BodyPrefix returns the start of a body that could not be used, for error
// messages: at most BodyPrefixLen bytes, valid UTF-8, trimmed.
func BodyPrefix(body []byte) string {
	s := string(body)
	if len(s) > BodyPrefixLen {
		s = Truncate(s, BodyPrefixLen)
	}
	return strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
}

// UnknownAdvice ends the message of an error whose outcome is unknown, in
// the same words in every package.
const UnknownAdvice = "outcome unknown: inquire before retrying with a new request ID"

// DiscardLogger returns a logger that drops every record
// (slog.DiscardHandler needs Go 1.24).
func DiscardLogger() *slog.Logger { return slog.New(discardHandler{}) }

type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }
