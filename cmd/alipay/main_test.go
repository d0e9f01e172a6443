package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testNow is the clock every test run sees.
var testNow = time.Date(2026, 11, 22, 8, 30, 0, 123e6, time.UTC)

// Test keys shared with the root package's known-answer vectors.
const (
	merchantPrivateFile = "../../testdata/merchant_private_pkcs8.pem"
	merchantPublicFile  = "../../testdata/merchant_public.pem"
	antomPrivateFile    = "../../testdata/antom_private_pkcs8.pem"
	antomPublicFile     = "../../testdata/antom_public.pem"
)

type result struct {
	code           int
	stdout, stderr string
}

// runApp runs the command line in process with a fixed clock and, for
// keygen, the merchant test key instead of a new one.
func runApp(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := newApp(strings.NewReader(stdin), &stdout, &stderr)
	a.now = func() time.Time { return testNow }
	a.newKey = func(bits int) (*rsa.PrivateKey, error) { return readPrivateKey(t, merchantPrivateFile), nil }
	code := a.run(context.Background(), args)
	return result{code, stdout.String(), stderr.String()}
}

// checkGolden compares got with testdata/name.golden, or rewrites the file
// under -update. replacer hides values that change between runs.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./cmd/alipay -update")
	assert.Equal(t, string(want), got, "output differs from %s (go test ./cmd/alipay -run %s -update rewrites it)", path, t.Name())
}

func readPrivateKey(t testing.TB, file string) *rsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	k, err := alipay.ParsePrivateKey(string(b))
	require.NoError(t, err)
	return k
}

func TestRun_topLevel(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no arguments", nil, exitUsage, "", "Usage:\n  alipay <command> [flags]"},
		{"help", []string{"help"}, exitOK, "Exit status:\n  0  success", ""},
		{"-h", []string{"-h"}, exitOK, "Commands:\n  keygen", ""},
		{"help for a command", []string{"help", "sign"}, exitOK, "Usage:\n  alipay sign -key FILE", ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, "", `alipay: unknown command "frobnicate"`},
		{"unknown flag", []string{"sign", "-nope"}, exitUsage, "", "alipay sign: flag provided but not defined: -nope\nRun \"alipay sign -h\" for usage."},
		{"stray argument", []string{"keygen", "extra"}, exitUsage, "", `alipay keygen: unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runApp(t, "", tt.args...)
			assert.Equal(t, tt.code, r.code)
			if tt.stdout == "" {
				assert.Empty(t, r.stdout)
			} else {
				assert.Contains(t, r.stdout, tt.stdout)
			}
			if tt.stderr == "" {
				assert.Empty(t, r.stderr)
			} else {
				assert.Contains(t, r.stderr, tt.stderr)
			}
		})
	}
}

// TestRun_help pins the help text of every command.
func TestRun_help(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			r := runApp(t, "", c.name, "-h")
			assert.Equal(t, exitOK, r.code)
			assert.Empty(t, r.stderr)
			assert.Contains(t, r.stdout, "Exit status: 0 ok, 1 check failed, 2 usage error, 3 other error.")
			checkGolden(t, "help_"+c.name, r.stdout)
		})
	}
	r := runApp(t, "", "help")
	checkGolden(t, "help", r.stdout)
}

func TestReadInputIsBounded(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.json")
	require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte{'x'}, maxInputBytes+1), 0o600))
	for name, tc := range map[string]struct{ stdin, body, want string }{
		"file":           {"", big, "reading the body: larger than 16 MiB"},
		"standard input": {strings.Repeat("x", maxInputBytes+1), "-", "reading the body from standard input: larger than 16 MiB"},
	} {
		t.Run(name, func(t *testing.T) {
			r := runApp(t, tc.stdin, "sign", "-key", merchantPrivateFile, "-client-id", "SANDBOX_X", "-uri", "/ams/api/v1/payments/pay", "-body", tc.body)
			assert.Equal(t, exitError, r.code)
			assert.Contains(t, r.stderr, tc.want)
			assert.Empty(t, r.stdout)
		})
	}
	exact := filepath.Join(t.TempDir(), "exact.json")
	require.NoError(t, os.WriteFile(exact, bytes.Repeat([]byte{'x'}, maxInputBytes), 0o600))
	r := runApp(t, "", "sign", "-key", merchantPrivateFile, "-client-id", "SANDBOX_X", "-uri", "/ams/api/v1/payments/pay", "-body", exact)
	assert.Equal(t, exitOK, r.code, r.stderr)
}
