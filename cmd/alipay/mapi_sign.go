package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/xborderpay/alipay/mapi"
)

const mapiSignAbout = `Signs MAPI parameters the way package mapi does and prints the exact string
that is signed, so that it can be compared with what a PHP or Java demo port
signs.

-params is a file of name=value lines, one parameter per line, values as is
(the demo's $parameter array). Without a service, or with
service=mobile.securitypay.pay, it builds the App order string: the quoted
pre-sign string (key="value" pairs, sorted) and the final string for the app
SDK, signed with RSA; the order is validated as package mapi validates it
(two decimals, none for JPY and KRW, no " in values, uppercase currency).
With any other service it signs a gateway call: the unquoted pre-sign string
(sorted, empty values and sign/sign_type left out) and the request URL.
`

func (a *app) mapiSign(ctx context.Context, args []string) error {
	f := newFlags("mapi sign", "alipay mapi sign -partner PID -params FILE [-key FILE] [-md5-key FILE] [-sign-type T] [-gateway URL]", mapiSignAbout)
	partner := f.String("partner", "", "your partner `ID` (2088 and 12 digits)")
	paramsFile := f.String("params", "", "`FILE` of name=value lines; - reads standard input")
	keyFile := f.String("key", "", "`FILE` with your RSA private key (PEM or bare base64, PKCS #8 or PKCS #1)")
	md5File := f.String("md5-key", "", "`FILE` holding your MD5 key, for MD5-signed gateway calls")
	signType := f.String("sign-type", "", "sign `type` of a gateway call: RSA, RSA2 or MD5 (default RSA with -key, MD5 with -md5-key only)")
	gateway := f.String("gateway", mapi.GatewayProduction, "gateway `URL` of the printed request")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	if err := requireFlags(map[string]string{"partner": *partner, "params": *paramsFile}, "partner", "params"); err != nil {
		return err
	}
	raw, err := a.readInput("the parameters", *paramsFile)
	if err != nil {
		return err
	}
	params, err := readParams(raw)
	if err != nil {
		return err
	}
	opts := []mapi.Option{mapi.WithGateway(*gateway)}
	if *keyFile != "" {
		key, err := a.readInput("the private key", *keyFile)
		if err != nil {
			return err
		}
		opts = append(opts, mapi.WithPrivateKey(string(key)))
	}
	if *md5File != "" {
		key, err := a.readInput("the MD5 key", *md5File)
		if err != nil {
			return err
		}
		opts = append(opts, mapi.WithMD5Key(strings.TrimSpace(string(key))))
	}
	st := mapi.SignType(strings.ToUpper(*signType))
	if st == "" {
		st = mapi.SignTypeRSA
		if *keyFile == "" {
			st = mapi.SignTypeMD5
		}
	}
	opts = append(opts, mapi.WithSignType(st))

	service := params["service"]
	if service == "" || service == mapi.ServiceAppPay {
		if *keyFile == "" {
			return usagef("an App order string is signed with RSA: -key is required")
		}
		return a.printOrderString(*partner, params, opts)
	}
	c, err := mapi.NewClient(*partner, opts...)
	if err != nil {
		return err
	}
	req, err := c.SignGatewayRequest(params)
	if err != nil {
		return err
	}
	w := a.stdout
	fmt.Fprintln(w, "Pre-sign string (unquoted, sorted, empty values and sign/sign_type left out):")
	fmt.Fprintln(w, req.PreSign)
	fmt.Fprintf(w, "\nsign_type: %s\nsign: %s\n", req.Params["sign_type"], req.Params["sign"])
	fmt.Fprintln(w, "\nRequest (GET; or POST the same parameters form-encoded):")
	fmt.Fprintln(w, req.URL)
	return nil
}

// appOrderFields maps the order string's parameter names to AppOrder.
func appOrderFields(o *mapi.AppOrder) map[string]*string {
	return map[string]*string{
		"out_trade_no": &o.OutTradeNo, "subject": &o.Subject, "body": &o.Body, "currency": &o.Currency,
		"total_fee": &o.TotalFee, "rmb_fee": &o.RMBFee, "notify_url": &o.NotifyURL, "return_url": &o.ReturnURL,
		"it_b_pay": &o.ItBPay, "appenv": &o.AppEnv, "payment_inst": &o.PaymentInst, "seller_id": &o.SellerID,
		"payment_type": &o.PaymentType, "forex_biz": &o.ForexBiz, "product_code": &o.ProductCode,
		"secondary_merchant_id": &o.SecondaryMerchantID, "secondary_merchant_name": &o.SecondaryMerchantName,
		"secondary_merchant_industry": &o.SecondaryMerchantIndustry, "show_url": &o.ShowURL,
		"extern_token": &o.ExternToken, "app_id": &o.AppID,
	}
}

func (a *app) printOrderString(partner string, params map[string]string, opts []mapi.Option) error {
	var o mapi.AppOrder
	fields := appOrderFields(&o)
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := params[n]
		switch {
		case fields[n] != nil:
			*fields[n] = v
		case n == "service" || n == "sign" || n == "sign_type":
		case n == "partner":
			if v != partner {
				return usagef("partner=%s in the parameters is not -partner %s", v, partner)
			}
		case n == "_input_charset":
			if !strings.EqualFold(v, mapi.InputCharset) {
				return usagef("_input_charset=%s: App order strings are UTF-8", v)
			}
		default:
			return usagef("%s is not a parameter of mobile.securitypay.pay that this tool knows (trade_information: use package mapi)", n)
		}
	}
	c, err := mapi.NewClient(partner, opts...)
	if err != nil {
		return err
	}
	s, err := c.AppOrderString(&o)
	if err != nil {
		return err
	}
	presign, _, _ := strings.Cut(s, `&sign="`)
	w := a.stdout
	fmt.Fprintln(w, "Pre-sign string (key=\"value\" pairs, sorted; this is what is signed):")
	fmt.Fprintln(w, presign)
	fmt.Fprintln(w, "\nOrder string (hand it to the app SDK's pay call as is):")
	fmt.Fprintln(w, s)
	return nil
}
