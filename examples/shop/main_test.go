package main

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// go run ./examples/shop with nothing set: the fake gateway in process, a
// new SQLite database, the pages served.
func TestRunOffline(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	env := map[string]string{"SHOP_DB": filepath.Join(t.TempDir(), "shop.db")}
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0"}, func(k string) string { return env[k] }, w)
		w.Close()
	}()
	sc := bufio.NewScanner(r)
	require.True(t, sc.Scan(), "first line")
	first := sc.Text()
	require.Contains(t, first, " listening on http://127.0.0.1:")
	base := strings.Fields(strings.SplitN(first, " listening on ", 2)[1])[0]
	require.True(t, sc.Scan())
	assert.Contains(t, sc.Text(), "Offline: payments go to a fake Antom gateway")

	code, page := getPage(t, base+"/")
	assert.Equal(t, 200, code)
	assert.Contains(t, page, `id="buy-mug"`)
	id := createOrder(t, base, "mug")
	p := pay(t, base, id, "ALIPAY_CN", DeviceWeb)
	assert.Equal(t, AttemptProcessing, p.Status)
	code, page = getPage(t, base+"/admin/reconcile")
	assert.Equal(t, 200, code)
	assert.Contains(t, page, ": 0 discrepancies")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
}

func TestConfigFromEnv(t *testing.T) {
	c := defaultConfig()
	require.NoError(t, c.fromEnv(func(k string) string {
		return map[string]string{"SHOP_LEASE": "45s", "SHOP_WORKER": "off", "SHOP_INSTANCE": "x"}[k]
	}))
	assert.Equal(t, 45*time.Second, c.Lease)
	assert.False(t, c.Worker)
	assert.Equal(t, "x", c.Instance)
	err := c.fromEnv(func(k string) string { return map[string]string{"SHOP_TICK": "soon"}[k] })
	assert.ErrorContains(t, err, `SHOP_TICK="soon" is not a positive duration`)
}
