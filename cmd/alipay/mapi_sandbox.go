package main

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/internal/httpx"
	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
)

const mapiSandboxAbout = `Runs the fake MAPI gateway of package mapitest on a local address until you
stop it with Ctrl-C, so that a PHP or Java backend, or a phone on the same
network, can be pointed at it: gateway.do (single_trade_query, forex_refund,
alipay.acquire.refund.query, notify_verify, the rate and download files), and
POST /app/pay or /app/open with the order string in the form field "order" to
act as the Alipay app (pay it, or open it and leave it unpaid until it_b_pay
closes it). Paid orders and refunds are notified to their notify_url, and
unacknowledged notifications are resent on Alipay's schedule.

Give it your own keys so that your backend runs unchanged: your merchant
public key (the sandbox verifies your requests and order strings with it) and
a private key it signs with, whose public half your backend loads as Alipay's
key. Without them it makes keys for the run and prints or writes them.
`

func (a *app) mapiSandbox(ctx context.Context, args []string) error {
	f := newFlags("mapi sandbox", "alipay mapi sandbox [-addr HOST:PORT] [-partner PID] [-merchant-public-key FILE] [-alipay-key FILE] [-md5-key FILE] [-keys DIR]", mapiSandboxAbout)
	addr := f.String("addr", "127.0.0.1:8089", "`address` to listen on; port 0 picks a free one")
	partner := f.String("partner", mapitest.DefaultPartnerID, "partner `ID` to accept")
	merchantPub := f.String("merchant-public-key", "", "`FILE` with your merchant public key (default: a key made for the run)")
	alipayKey := f.String("alipay-key", "", "`FILE` with the private key the sandbox signs with (default: a key made for the run)")
	md5File := f.String("md5-key", "", "`FILE` holding the MD5 key to accept (default: the public sandbox key)")
	keysDir := f.String("keys", "", "write the keys made for the run into `DIR` instead of printing them")
	notifyCharset := f.String("notify-charset", "utf-8", "`charset` of notifications: utf-8 or gbk")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	if !strings.HasPrefix(*partner, "2088") || len(*partner) != 16 {
		return usagef("-partner %q is not a partner ID (16 digits starting with 2088)", *partner)
	}
	cs, err := mapi.ParseCharset(*notifyCharset)
	if err != nil || cs == mapi.CharsetAuto {
		return usagef("-notify-charset %q is neither utf-8 nor gbk", *notifyCharset)
	}
	opts := []mapitest.Option{mapitest.WithPartnerID(*partner), mapitest.WithNotifyCharset(cs)}
	if *merchantPub != "" {
		b, err := a.readInput("the merchant public key", *merchantPub)
		if err != nil {
			return err
		}
		k, err := alipay.ParsePublicKey(string(b))
		if err != nil {
			return fmt.Errorf("-merchant-public-key %s: %w", *merchantPub, err)
		}
		opts = append(opts, mapitest.WithMerchantPublicKey(k))
	}
	var signer *rsa.PrivateKey
	if *alipayKey != "" {
		b, err := a.readInput("the sandbox's private key", *alipayKey)
		if err != nil {
			return err
		}
		if signer, err = alipay.ParsePrivateKey(string(b)); err != nil {
			return fmt.Errorf("-alipay-key %s: %w", *alipayKey, err)
		}
		opts = append(opts, mapitest.WithAlipayKey(signer))
	}
	if *md5File != "" {
		b, err := a.readInput("the MD5 key", *md5File)
		if err != nil {
			return err
		}
		opts = append(opts, mapitest.WithMD5Key(strings.TrimSpace(string(b))))
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	srv := mapitest.NewServer(append(opts, mapitest.WithListener(l))...)
	defer srv.Close()
	base := publicURL(l.Addr(), interfaceAddrs())
	if err := a.printMapiSandboxConfig(srv, base, *keysDir, *merchantPub != "", *alipayKey != ""); err != nil {
		return err
	}

	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	seen := 0
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(a.stdout, "sandbox stopped")
			return nil
		case <-tick.C:
			if _, err := srv.ResendDue(ctx); err != nil && ctx.Err() == nil {
				fmt.Fprintf(a.stdout, "resending: %v\n", err)
			}
			ds := srv.Deliveries()
			for _, d := range ds[seen:] {
				outcome := "not acknowledged: Alipay would resend"
				if d.Acked {
					outcome = "acknowledged"
				}
				if d.Err != nil {
					outcome = "failed: " + d.Err.Error()
				}
				fmt.Fprintf(a.stdout, "%s notification %s (%s) to %s: HTTP %d %q, %s\n",
					a.now().Format("15:04:05"), d.NotifyID, d.OutTradeNo, d.URL, d.Status, httpx.Truncate(d.Body, 40), outcome)
			}
			seen = len(ds)
		}
	}
}

func (a *app) printMapiSandboxConfig(srv *mapitest.Server, base, keysDir string, ownMerchant, ownAlipay bool) error {
	w := a.stdout
	fmt.Fprintf(w, "Fake MAPI gateway (mapitest) listening on %s\n", base)
	fmt.Fprintln(w, "No real money moves; nothing leaves this machine. Stop it with Ctrl-C.")
	fmt.Fprintln(w, "\nConfigure your integration with:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  gateway\t%s\tmapi.WithGateway ($alipay_config gateway)\n", srv.URL)
	fmt.Fprintf(tw, "  partner ID\t%s\tmapi.NewClient ($alipay_config['partner'])\n", srv.PartnerID())
	fmt.Fprintf(tw, "  MD5 key\t%s\tmapi.WithMD5Key ($alipay_config['key'])\n", srv.MD5Key())
	fmt.Fprintf(tw, "  act as the app\tPOST %s/app/pay, %s/app/open\tform field order=<order string>\n", base, base)
	var keys []sandboxKey
	if !ownMerchant {
		keys = append(keys, sandboxKey{"merchant private key", "merchant_private_key.pem", srv.MerchantPrivateKeyPEM(), "mapi.WithPrivateKey ($alipay_config['private_key'])", 0o600})
	}
	if !ownAlipay {
		keys = append(keys, sandboxKey{"Alipay public key", "alipay_public_key.pem", srv.AlipayPublicKeyPEM(), "mapi.WithAlipayPublicKey ($alipay_config['alipay_public_key'])", 0o644})
	}
	if err := listSandboxKeys(w, tw, keysDir, keys); err != nil {
		return err
	}
	if len(keys) > 0 {
		fmt.Fprintln(w, "\nKeys made for this run protect nothing.")
	}
	fmt.Fprintln(w, "\nLog:")
	return nil
}
