package main

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/mapi"
)

// The 1024-bit RSA test key of the published legacy vectors, and the
// public sandbox partner and MD5 key.
const (
	legacyPrivateFile = "../../mapi/testdata/chloerei_rsa1024_private_pkcs8.pem"
	legacyPublicFile  = "../../mapi/testdata/chloerei_rsa1024_public.pem"
	sandboxPartner    = "2088101122136241"
	sandboxMD5        = "760bdzec6y9goq7ctyx96ezkz78287de"
)

func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(data), 0o600))
	return p
}

func TestMapiGroup(t *testing.T) {
	r := runApp(t, "", "mapi")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "alipay mapi <command>")
	r = runApp(t, "", "mapi", "frob")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown command "frob"`)
	for _, c := range mapiCommands {
		t.Run(c.name, func(t *testing.T) {
			r := runApp(t, "", "mapi", c.name, "-h")
			assert.Equal(t, exitOK, r.code)
			checkGolden(t, "help_mapi_"+c.name, r.stdout)
		})
	}
}

func TestMapiSign(t *testing.T) {
	md5File := writeTemp(t, "md5", sandboxMD5+"\n")
	order := "# an order as the PHP demo's $parameter holds it\n" +
		"out_trade_no=GBP-20261128-1\nsubject=Tea\nbody=Earl Grey\ncurrency=GBP\ntotal_fee=12.50\n" +
		"notify_url=https://shop.example/alipay/notify\nit_b_pay=30m\n"
	tests := []struct {
		name, params string
		args         []string
		code         int
		stderr       string
	}{
		{"order", order, []string{"-key", legacyPrivateFile}, exitOK, ""},
		{"gateway MD5 vector M4", "service=single_trade_query\n_input_charset=utf-8\nout_trade_no=SAMPLE_TRANSACTION_ID\n",
			[]string{"-md5-key", md5File, "-gateway", "https://mapi.alipaydev.com/gateway.do"}, exitOK, ""},
		{"three decimals refused", strings.Replace(order, "12.50", "12.505", 1), []string{"-key", legacyPrivateFile}, exitError, "total_fee"},
		{"double quote in subject refused", strings.Replace(order, "subject=Tea", `subject=Tea "Earl"`, 1), []string{"-key", legacyPrivateFile}, exitError, "subject"},
		{"lowercase currency refused", strings.Replace(order, "GBP\n", "gbp\n", 1), []string{"-key", legacyPrivateFile}, exitError, "currency"},
		{"order needs an RSA key", order, []string{"-md5-key", md5File}, exitUsage, "-key is required"},
		{"unknown parameter", order + "rn_check=1\n", []string{"-key", legacyPrivateFile}, exitUsage, "rn_check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"mapi", "sign", "-partner", sandboxPartner, "-params", "-"}, tt.args...)
			r := runApp(t, tt.params, args...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			if tt.code != exitOK {
				assert.Contains(t, r.stderr, tt.stderr)
				return
			}
			checkGolden(t, "mapi_sign_"+strings.ReplaceAll(tt.name, " ", "_"), r.stdout)
		})
	}
	r := runApp(t, "service=single_trade_query\n_input_charset=utf-8\nout_trade_no=SAMPLE_TRANSACTION_ID\n",
		"mapi", "sign", "-partner", sandboxPartner, "-params", "-", "-md5-key", md5File)
	assert.Contains(t, r.stdout, "sign: d4d3825356fd0799ee16829acffc1460", "the published vector M4")
}

// m2 is the published notification of vector M2, signed with the sandbox
// MD5 key.
const m2 = "_input_charset=utf-8&currency=HKD&notify_id=13f1e773aeb299e26eb5d02bbb71219d50&notify_time=2013-09-02+10%3A41%3A43" +
	"&notify_type=trade_status_sync&out_trade_no=4028608899131221&total_fee=0.10&trade_no=4061800001000100000574688" +
	"&trade_status=TRADE_FINISHED&sign=a27572b0a6dee50d2d4a1449bfd55e92&sign_type=MD5"

func rsaSign(t *testing.T, h crypto.Hash, content string) string {
	t.Helper()
	key := readPrivateKey(t, legacyPrivateFile)
	var d []byte
	if h == crypto.SHA256 {
		s := sha256.Sum256([]byte(content))
		d = s[:]
	} else {
		d = sha1Sum(content)
	}
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, h, d)
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(sig)
}

func formOf(fields map[string]string) string {
	v := url.Values{}
	for k, s := range fields {
		v.Set(k, s)
	}
	return v.Encode()
}

func TestMapiVerify(t *testing.T) {
	md5File := writeTemp(t, "md5", sandboxMD5)
	base := map[string]string{"notify_id": "n1", "notify_type": "trade_status_sync", "notify_time": "2026-11-28 10:00:00",
		"out_trade_no": "GBP-1", "trade_no": "2026112822001000000000000001", "trade_status": "TRADE_FINISHED",
		"currency": "GBP", "total_fee": "12.50", "subject": "Tea for two", "buyer_id": ""}
	signed := func(st mapi.SignType, h crypto.Hash, content string) string {
		f := map[string]string{"sign": rsaSign(t, h, content), "sign_type": string(st)}
		for k, v := range base {
			f[k] = v
		}
		return formOf(f)
	}
	presign := mapi.PreSignString(base)
	sumWithEmpty := md5.Sum([]byte(strings.Replace(presign, "currency=GBP", "buyer_id=&currency=GBP", 1) + sandboxMD5))
	md5Empty := map[string]string{"sign": hex.EncodeToString(sumWithEmpty[:]), "sign_type": "MD5"}
	for k, v := range base {
		md5Empty[k] = v
	}
	tests := []struct {
		name, in string
		args     []string
		code     int
	}{
		{"MD5 vector M2", m2, []string{"-md5-key", md5File}, exitOK},
		{"MD5 vector M2 altered", strings.Replace(m2, "total_fee=0.10", "total_fee=9.10", 1), []string{"-md5-key", md5File}, exitFail},
		{"RSA", signed(mapi.SignTypeRSA, crypto.SHA1, presign), []string{"-alipay-key", legacyPublicFile}, exitOK},
		{"RSA2 labelled RSA", signed(mapi.SignTypeRSA, crypto.SHA256, presign), []string{"-alipay-key", legacyPublicFile}, exitFail},
		{"sign_type signed", signed(mapi.SignTypeRSA, crypto.SHA1, strings.Replace(presign, "subject=", "sign_type=RSA&subject=", 1)), []string{"-alipay-key", legacyPublicFile}, exitFail},
		{"space signed as plus", signed(mapi.SignTypeRSA, crypto.SHA1, strings.ReplaceAll(presign, " ", "+")), []string{"-alipay-key", legacyPublicFile}, exitFail},
		{"empty value signed", formOf(md5Empty), []string{"-md5-key", md5File}, exitFail},
		{"wrong key", signed(mapi.SignTypeRSA, crypto.SHA1, presign), []string{"-alipay-key", antomPublicFile}, exitFail},
		{"sign type not accepted", signed(mapi.SignTypeRSA, crypto.SHA1, presign), []string{"-alipay-key", legacyPublicFile, "-sign-type", "RSA2"}, exitFail},
		{"unsigned gateway answer", `<?xml version="1.0" encoding="GBK"?>` + "\n<alipay><is_success>F</is_success><error>ILLEGAL_PARTNER</error></alipay>",
			[]string{"-md5-key", md5File}, exitFail},
		{"signed gateway answer", "<alipay><is_success>T</is_success><request><param name=\"out_trade_no\">GBP-1</param></request>" +
			"<response><trade><out_trade_no>GBP-1</out_trade_no><trade_status>TRADE_FINISHED</trade_status></trade></response>" +
			"<sign>" + rsaSign(t, crypto.SHA256, "out_trade_no=GBP-1&trade_status=TRADE_FINISHED") + "</sign><sign_type>RSA2</sign_type></alipay>",
			[]string{"-alipay-key", legacyPublicFile}, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runApp(t, tt.in, append([]string{"mapi", "verify", "-in", "-"}, tt.args...)...)
			assert.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			checkGolden(t, "mapi_verify_"+strings.ReplaceAll(tt.name, " ", "_"), r.stdout)
		})
	}
}

func TestMapiNotify(t *testing.T) {
	pub, err := os.ReadFile(legacyPublicFile)
	require.NoError(t, err)
	priv, err := os.ReadFile(legacyPrivateFile)
	require.NoError(t, err)
	c, err := mapi.NewClient(sandboxPartner, mapi.WithPrivateKey(string(priv)), mapi.WithAlipayPublicKey(string(pub)),
		mapi.WithNotifyVerify(false), mapi.WithSignType(mapi.SignTypeRSA))
	require.NoError(t, err)
	var mu sync.Mutex
	var got []string
	shop := httptest.NewServer(c.NotificationMux(mapi.NotificationFuncs{
		Trade: func(_ context.Context, n *mapi.TradeNotification) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, n.OutTradeNo+" "+n.Get("subject"))
			return nil
		},
		Refund: func(_ context.Context, n *mapi.RefundNotification) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, n.OutReturnNo)
			return nil
		},
	}))
	t.Cleanup(shop.Close)
	upper := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("SUCCESS")) }))
	t.Cleanup(upper.Close)

	tests := []struct {
		name string
		args []string
		code int
	}{
		{"trade", []string{"-url", shop.URL + "/notify", "-key", legacyPrivateFile, "-out-trade-no", "GBP-1", "-currency", "GBP", "-total-fee", "12.50"}, exitOK},
		{"refund gbk", []string{"-url", shop.URL + "/notify", "-key", legacyPrivateFile, "-kind", "refund", "-out-trade-no", "GBP-1", "-out-return-no", "退款-1", "-charset", "gbk"}, exitOK},
		{"signed with another key", []string{"-url", shop.URL + "/notify", "-key", antomPrivateFile, "-out-trade-no", "GBP-1"}, exitFail},
		{"uppercase answer", []string{"-url", upper.URL, "-key", legacyPrivateFile, "-out-trade-no", "GBP-1"}, exitFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runApp(t, "", append([]string{"mapi", "notify"}, tt.args...)...)
			assert.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			out := strings.ReplaceAll(strings.ReplaceAll(r.stdout, shop.URL, "http://SHOP"), upper.URL, "http://SHOP")
			checkGolden(t, "mapi_notify_"+strings.ReplaceAll(tt.name, " ", "_"), out)
		})
	}
	assert.Equal(t, []string{"GBP-1 ", "退款-1"}, got)
}

var mapiGatewayLine = regexp.MustCompile(`(?m)^  gateway\s+(http://\S+)`)

func TestMapiSandbox(t *testing.T) {
	keys := t.TempDir()
	out := &syncBuffer{}
	var stderr syncBuffer
	a := newApp(strings.NewReader(""), out, &stderr)
	a.now = func() time.Time { return testNow }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- a.run(ctx, []string{"mapi", "sandbox", "-addr", "127.0.0.1:0", "-keys", keys}) }()
	defer func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code)
		case <-time.After(10 * time.Second):
			t.Error("sandbox did not stop")
		}
	}()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "\nLog:\n") }, 10*time.Second, 5*time.Millisecond,
		"sandbox did not start: %s%s", out.String(), stderr.String())
	m := mapiGatewayLine.FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	gateway := m[1]
	// The port and the key directory vary, and so does the padding that
	// aligns the columns.
	config := regexp.MustCompile(`127\.0\.0\.1:[0-9]+`).ReplaceAllString(strings.ReplaceAll(out.String(), keys, "KEYS"), "127.0.0.1:PORT")
	checkGolden(t, "mapi_sandbox_config", regexp.MustCompile(`  +`).ReplaceAllString(config, "  "))

	priv, err := os.ReadFile(filepath.Join(keys, "merchant_private_key.pem"))
	require.NoError(t, err)
	pub, err := os.ReadFile(filepath.Join(keys, "alipay_public_key.pem"))
	require.NoError(t, err)
	c, err := mapi.NewClient(sandboxPartner, mapi.WithPrivateKey(string(priv)), mapi.WithAlipayPublicKey(string(pub)),
		mapi.WithGateway(gateway), mapi.WithRetry(alipay.NoRetry))
	require.NoError(t, err)
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "SB-1", Subject: "Tea", Currency: "JPY", TotalFee: "500"})
	require.NoError(t, err)
	resp, err := http.PostForm(strings.TrimSuffix(gateway, "/gateway.do")+"/app/pay", url.Values{"order": {order}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	tr, err := c.QueryTrade(context.Background(), &mapi.QueryTradeRequest{OutTradeNo: "SB-1"})
	require.NoError(t, err)
	assert.Equal(t, mapi.TradeStatusFinished, tr.TradeStatus)
}

// FuzzMapiVerifyInput: a saved message of any content is reported on, never
// a panic, and an unreadable one is a failed check, not a crash.
func FuzzMapiVerifyInput(f *testing.F) {
	f.Add(m2)
	f.Add(`<?xml version="1.0" encoding="GBK"?><alipay><is_success>F</is_success><error>ILLEGAL_PARTNER</error></alipay>`)
	f.Add("<alipay><response><trade><a>1</a><b></b></trade></response><sign>x</sign><sign_type>RSA</sign_type></alipay>")
	f.Fuzz(func(t *testing.T, in string) {
		var m *signedMessage
		var err error
		if strings.HasPrefix(strings.TrimSpace(in), "<") {
			m, err = parseAnswer([]byte(strings.TrimSpace(in)))
		} else {
			m, err = parseNotification(strings.TrimSpace(in))
		}
		if err != nil {
			return
		}
		v := &verifier{md5Key: sandboxMD5}
		_ = mapiDiagnose(m, v)
		for k := range m.fields {
			if k == "sign" || k == "sign_type" {
				t.Fatalf("%s counted as a signed field", k)
			}
		}
	})
}

func FuzzReadParams(f *testing.F) {
	f.Add("out_trade_no=1\nsubject=a=b\n# c\n\n")
	f.Fuzz(func(t *testing.T, in string) {
		p, err := readParams([]byte(in))
		if err != nil {
			return
		}
		for k := range p {
			if k == "" || strings.TrimSpace(k) != k {
				t.Fatalf("name %q kept", k)
			}
		}
	})
}
