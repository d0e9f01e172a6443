package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

func TestKeygen(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "shop")
	r := runApp(t, "", "keygen", "-out", prefix)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	checkGolden(t, "keygen", strings.ReplaceAll(r.stdout, dir, "$DIR"))

	want := readPrivateKey(t, merchantPrivateFile)
	privPEM, err := os.ReadFile(prefix + "_private_key.pem")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(privPEM), "-----BEGIN PRIVATE KEY-----\n"), "PKCS #8 PEM")
	priv, err := alipay.ParsePrivateKey(string(privPEM))
	require.NoError(t, err)
	assert.True(t, priv.Equal(want))

	for _, name := range []string{"_public_key.pem", "_public_key.txt"} {
		b, err := os.ReadFile(prefix + name)
		require.NoError(t, err)
		pub, err := alipay.ParsePublicKey(string(b))
		require.NoError(t, err, name)
		assert.True(t, pub.Equal(&want.PublicKey), name)
	}
	txt, _ := os.ReadFile(prefix + "_public_key.txt")
	assert.NotContains(t, string(txt), "-----", "bare base64, no PEM armour")
	assert.Contains(t, r.stdout, strings.TrimSpace(string(txt)), "the bare base64 is printed")

	if runtime.GOOS != "windows" {
		for name, mode := range map[string]os.FileMode{"_private_key.pem": 0o600, "_public_key.pem": 0o644, "_public_key.txt": 0o644} {
			fi, err := os.Stat(prefix + name)
			require.NoError(t, err)
			assert.Equal(t, mode, fi.Mode().Perm(), name)
		}
	}
}

func TestKeygen_neverOverwritesWithoutForce(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "shop")
	require.NoError(t, os.WriteFile(prefix+"_private_key.pem", []byte("precious"), 0o600))

	r := runApp(t, "", "keygen", "-out", prefix)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "shop_private_key.pem already exists; choose another -out or pass -force")
	b, _ := os.ReadFile(prefix + "_private_key.pem")
	assert.Equal(t, "precious", string(b))

	r = runApp(t, "", "keygen", "-out", prefix, "-force")
	require.Equal(t, exitOK, r.code, r.stderr)
	b, _ = os.ReadFile(prefix + "_private_key.pem")
	assert.Contains(t, string(b), "BEGIN PRIVATE KEY")
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(prefix + "_private_key.pem")
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
}

func TestKeygen_usage(t *testing.T) {
	for _, args := range [][]string{{"-bits", "1024"}, {"-bits", "x"}, {"-out", ""}} {
		r := runApp(t, "", append([]string{"keygen"}, args...)...)
		assert.Equal(t, exitUsage, r.code, args)
		assert.Contains(t, r.stderr, "Run \"alipay keygen -h\" for usage.")
	}
}

func TestKeygen_unwritableDirectory(t *testing.T) {
	r := runApp(t, "", "keygen", "-out", filepath.Join(t.TempDir(), "missing", "shop"))
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "alipay keygen: writing ")
	assert.Contains(t, r.stderr, "no such file or directory")
}
