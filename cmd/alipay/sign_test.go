package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vector is one case of ../../testdata/ams_signatures.json.
type vector struct {
	Name      string `json:"name"`
	Method    string `json:"method"`
	URI       string `json:"uri"`
	ClientID  string `json:"client_id"`
	Time      string `json:"time"`
	Body      string `json:"body"`
	Signature string `json:"signature"`
}

func loadVectors(t testing.TB) (merchantSigned, antomSigned map[string]vector) {
	t.Helper()
	b, err := os.ReadFile("../../testdata/ams_signatures.json")
	require.NoError(t, err)
	var file struct {
		Merchant []vector `json:"merchant_signed"`
		Antom    []vector `json:"antom_signed"`
	}
	require.NoError(t, json.Unmarshal(b, &file))
	merchantSigned, antomSigned = map[string]vector{}, map[string]vector{}
	for _, v := range file.Merchant {
		merchantSigned[v.Name] = v
	}
	for _, v := range file.Antom {
		antomSigned[v.Name] = v
	}
	return merchantSigned, antomSigned
}

func TestSign_knownAnswers(t *testing.T) {
	vectors, _ := loadVectors(t)
	require.NotEmpty(t, vectors)
	for name, v := range vectors {
		t.Run(name, func(t *testing.T) {
			bodyFile := filepath.Join(t.TempDir(), "body.json")
			require.NoError(t, os.WriteFile(bodyFile, []byte(v.Body), 0o600))
			r := runApp(t, "", "sign", "-key", merchantPrivateFile, "-client-id", v.ClientID, "-uri", v.URI, "-time", v.Time, "-body", bodyFile)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Contains(t, r.stdout, "\nSignature: algorithm=RSA256,keyVersion=1,signature="+v.Signature+"\n")
			assert.Contains(t, r.stdout, "-----BEGIN STRING TO SIGN-----\n"+v.Method+" "+v.URI+"\n"+v.ClientID+"."+v.Time+"."+v.Body)
			checkGolden(t, "sign_"+name, r.stdout)
		})
	}
}

func TestSign_defaultsAndNotes(t *testing.T) {
	vectors, _ := loadVectors(t)
	v := vectors["pay-request"]
	// The body comes from standard input with a final line break, as an
	// editor leaves it; the URI is a full URL; the time is the clock's.
	r := runApp(t, v.Body+"\n", "sign", "-key", merchantPrivateFile, "-client-id", v.ClientID,
		"-uri", "https://open-sea-global.alipay.com"+v.URI, "-body", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "\nRequest-Time: 1795336200123\n")
	assert.Contains(t, r.stdout, "Note: the body ends with a line break")
	assert.Contains(t, r.stdout, "Note: the client ID is a sandbox ID but the URI is a production path; Antom's sandbox is called (and signed) at /ams/sandbox/api/v1/payments/pay")
	checkGolden(t, "sign_notes", r.stdout)
}

func TestSign_errors(t *testing.T) {
	body := filepath.Join(t.TempDir(), "body.json")
	require.NoError(t, os.WriteFile(body, []byte("{}"), 0o600))
	base := []string{"sign", "-key", merchantPrivateFile, "-client-id", "C", "-uri", "/ams/api/v1/payments/pay", "-body", body}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"missing key", []string{"sign", "-client-id", "C", "-uri", "/x", "-body", body}, exitUsage, "flag -key is required"},
		{"missing uri", []string{"sign", "-key", merchantPrivateFile, "-client-id", "C", "-body", body}, exitUsage, "flag -uri is required"},
		{"bad uri", append(append([]string{}, base...), "-uri", "pay"), exitUsage, `-uri "pay" is neither a path starting with / nor a full URL`},
		{"public key given", append(append([]string{}, base...), "-key", merchantPublicFile), exitError, "found a public key"},
		{"missing body file", append(append([]string{}, base...), "-body", body+".nope"), exitError, "reading the body: open "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runApp(t, "", tt.args...)
			assert.Equal(t, tt.code, r.code)
			assert.Contains(t, r.stderr, tt.stderr)
			assert.NotContains(t, r.stderr, "MII", "no key material in errors")
			assert.Empty(t, r.stdout)
			assert.True(t, strings.HasPrefix(r.stderr, "alipay sign: "))
			assert.NotContains(t, r.stderr, ": alipay: ", "one prefix is enough")
		})
	}
}
