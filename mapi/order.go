package mapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/go-querystring/query"
)

// AppOrder is a mobile.securitypay.pay order (https://docs.antom.com/ac/global/mobile_securitypay_pay), which the
// merchant server signs and the Alipay app SDK executes. service, partner,
// _input_charset, sign and sign_type are set by the Client; seller_id,
// payment_type, forex_biz and product_code get their fixed defaults when
// empty.
//
// Amounts are decimal strings in major units ("9.99"); they are written
// with the currency's MAPI precision (see FormatFee). Set exactly one of
// TotalFee (in Currency) and RMBFee (in CNY, settled in Currency).
type AppOrder struct {
	OutTradeNo string `url:"out_trade_no"`        // merchant order id, ≤ 64 characters, unique
	Subject    string `url:"subject"`             // shown to the buyer, ≤ 256 characters
	Body       string `url:"body,omitempty"`      // goods description, ≤ 512 bytes
	Currency   string `url:"currency"`            // settlement currency, e.g. USD (not CNY)
	TotalFee   string `url:"total_fee,omitempty"` // amount in Currency
	RMBFee     string `url:"rmb_fee,omitempty"`   // amount in CNY instead of TotalFee
	// NotifyURL is where Alipay posts the notification: ≤ 200 characters,
	// no query. The API page marks it required, the docs' own example
	// (docs/protocol/mapi.md §2.3) omits it; without it no notification is sent.
	NotifyURL string `url:"notify_url,omitempty"`
	ReturnURL string `url:"return_url,omitempty"`
	// ItBPay is the unpaid-order timeout: 1m–15d as an integer with unit m,
	// h or d ("30m", "2h", "1d"), or "1c" (close at 00:00 Beijing). Empty
	// means Alipay's default, 30m.
	ItBPay           string            `url:"it_b_pay,omitempty"`
	AppEnv           string            `url:"appenv,omitempty"` // e.g. "system=android^version=3.0.1.2"
	TradeInformation *TradeInformation `url:"-"`
	PaymentInst      string            `url:"payment_inst,omitempty"` // ALIPAYHK or ALIPAYCN (AlipayHK accounts)

	SellerID    string `url:"seller_id,omitempty"`    // default: the client's seller ID
	PaymentType string `url:"payment_type,omitempty"` // default "1" (goods)
	ForexBiz    string `url:"forex_biz,omitempty"`    // must be "FP" (the default)
	ProductCode string `url:"product_code,omitempty"` // must be NEW_WAP_OVERSEAS_SELLER (the default)

	SecondaryMerchantID       string `url:"secondary_merchant_id,omitempty"`
	SecondaryMerchantName     string `url:"secondary_merchant_name,omitempty"`
	SecondaryMerchantIndustry string `url:"secondary_merchant_industry,omitempty"`
	ShowURL                   string `url:"show_url,omitempty"`
	ExternToken               string `url:"extern_token,omitempty"`
	AppID                     string `url:"app_id,omitempty"`
	ReferURL                  string `url:"refer_url,omitempty"`
	SplitFundInfo             string `url:"split_fund_info,omitempty"` // JSON, as agreed with Alipay
}

// TradeInformation is the trade_information JSON of an App order. Alipay's
// example: business_type "4" with goods_info "name^qty|name^qty" and
// total_quantity; business_type "5" with other_business_type for service
// fees.
type TradeInformation struct {
	BusinessType      string `json:"business_type"`
	GoodsInfo         string `json:"goods_info,omitempty"`
	TotalQuantity     string `json:"total_quantity,omitempty"`
	OtherBusinessType string `json:"other_business_type,omitempty"`
}

// encode returns the compact JSON Alipay's example shows: fields in
// declaration order, no HTML escaping.
func (ti *TradeInformation) encode() (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ti); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

var itBPayRE = regexp.MustCompile(`^([1-9][0-9]{0,4})([mhd])$`)

// appOrderKeys are the parameter names of docs/protocol/mapi.md §3.1; a value containing
// "<name>=" makes Alipay intercept the order (https://docs.antom.com/ac/global/mobile_securitypay_pay_cn).
var appOrderKeys = []string{
	"service", "partner", "_input_charset", "sign_type", "sign", "notify_url", "return_url", "appenv",
	"out_trade_no", "subject", "payment_type", "seller_id", "total_fee", "rmb_fee", "currency",
	"forex_biz", "product_code", "body", "it_b_pay", "trade_information", "payment_inst",
	"secondary_merchant_id", "secondary_merchant_name", "secondary_merchant_industry",
	"show_url", "extern_token", "app_id", "refer_url", "split_fund_info",
}

// params validates o and returns every parameter to sign (without sign and
// sign_type), amounts formatted and defaults applied.
func (o *AppOrder) params(partner, seller string) (map[string]string, error) {
	if o == nil {
		return nil, invalid("order", "is nil")
	}
	v, err := query.Values(o)
	if err != nil {
		return nil, fmt.Errorf("mapi: encoding AppOrder: %w", err)
	}
	p := make(map[string]string, len(v)+4)
	for k, vs := range v {
		if len(vs) > 0 && vs[0] != "" {
			p[k] = vs[0]
		}
	}
	p["service"] = ServiceAppPay
	p["partner"] = partner
	p["_input_charset"] = InputCharset
	setDefault(p, "seller_id", seller)
	setDefault(p, "payment_type", PaymentTypeGoods)
	setDefault(p, "forex_biz", ForexBizFP)
	setDefault(p, "product_code", ProductCodeApp)
	if o.TradeInformation != nil {
		ti, err := o.TradeInformation.encode()
		if err != nil {
			return nil, fmt.Errorf("mapi: encoding trade_information: %w", err)
		}
		p["trade_information"] = ti
	}
	if err := validateAppOrder(p); err != nil {
		return nil, err
	}
	return p, nil
}

func setDefault(p map[string]string, k, v string) {
	if p[k] == "" {
		p[k] = v
	}
}

func validateAppOrder(p map[string]string) error {
	if err := required(p, "out_trade_no", 64); err != nil {
		return err
	}
	if err := required(p, "subject", 256); err != nil {
		return err
	}
	if u := p["notify_url"]; u != "" {
		if err := maxLen("notify_url", u, 200); err != nil {
			return err
		}
		if err := checkNotifyURL("notify_url", u); err != nil {
			return err
		}
	}
	if u := p["return_url"]; u != "" {
		if len(u) > 200 {
			return invalid("return_url", "is %d characters; at most 200", len(u))
		}
		if pu, err := url.Parse(u); err != nil || !pu.IsAbs() {
			return invalid("return_url", "%q is not an absolute URL", truncate(u, 60))
		}
	}
	if len(p["body"]) > 512 {
		return invalid("body", "is %d bytes; at most 512", len(p["body"]))
	}
	if len(p["payment_type"]) > 4 {
		return invalid("payment_type", "%q is longer than 4 characters", truncate(p["payment_type"], 10))
	}
	if p["forex_biz"] != ForexBizFP {
		return invalid("forex_biz", "%q must be %q", truncate(p["forex_biz"], 20), ForexBizFP)
	}
	if p["product_code"] != ProductCodeApp {
		return invalid("product_code", "%q must be %q for App payments", truncate(p["product_code"], 40), ProductCodeApp)
	}
	if err := checkCurrency("currency", p["currency"]); err != nil {
		return err
	}
	switch total, rmb := p["total_fee"], p["rmb_fee"]; {
	case total == "" && rmb == "":
		return invalid("total_fee", "set exactly one of total_fee and rmb_fee; both are empty")
	case total != "" && rmb != "":
		return invalid("rmb_fee", "set exactly one of total_fee and rmb_fee; both are set")
	case total != "":
		f, err := FormatFee("total_fee", total, p["currency"])
		if err != nil {
			return err
		}
		p["total_fee"] = f
	default:
		f, err := FormatFee("rmb_fee", rmb, "CNY")
		if err != nil {
			return err
		}
		p["rmb_fee"] = f
	}
	if err := checkItBPay(p["it_b_pay"]); err != nil {
		return err
	}
	for k, v := range p {
		if !utf8.ValidString(v) {
			return invalid(k, "is not valid UTF-8")
		}
		if strings.ContainsAny(v, "\r\n") {
			return invalid(k, "contains a line break")
		}
		if k != "trade_information" && k != "split_fund_info" && strings.Contains(v, `"`) {
			return invalid(k, "contains a double quote, which would break the quoted order string")
		}
		if strings.Contains(v, "&") {
			return invalid(k, "contains '&', which the quoted order string cannot carry: Alipay splits it on '&'")
		}

		if key := embeddedKey(v); key != "" {
			return invalid(k, "contains %q; Alipay intercepts orders whose values contain parameter names, https://docs.antom.com/ac/global/mobile_securitypay_pay_cn", key+"=")
		}
	}
	return nil
}

// embeddedKey returns the first App order parameter name that appears in v
// as a whole word followed by '=', or "".
func embeddedKey(v string) string {
	for _, key := range appOrderKeys {
		for i := 0; ; {
			j := strings.Index(v[i:], key+"=")
			if j < 0 {
				break
			}
			j += i
			if j == 0 || !isWordByte(v[j-1]) {
				return key
			}
			i = j + 1
		}
	}
	return ""
}

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

func required(p map[string]string, k string, maxLen int) error {
	v := p[k]
	if v == "" {
		return invalid(k, "is required")
	}
	if n := utf8.RuneCountInString(v); n > maxLen {
		return invalid(k, "is %d characters; at most %d", n, maxLen)
	}
	return nil
}

func checkNotifyURL(field, u string) error {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
		return invalid(field, "%q is not an absolute http(s) URL", truncate(u, 60))
	}
	if pu.RawQuery != "" || pu.Fragment != "" {
		return invalid(field, "%q has a query or fragment; Alipay permits no custom parameters in it", truncate(u, 60))
	}
	return nil
}

func checkCurrency(field, c string) error {
	if c == "" {
		return invalid(field, "is required")
	}
	if c == "CNY" {
		return invalid(field, "is the settlement currency and cannot be CNY; price in CNY with rmb_fee (or return_rmb_amount) instead")
	}
	if len(c) != 3 || strings.ToUpper(c) != c || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return invalid(field, "%q is not an upper-case ISO 4217 code", truncate(c, 10))
	}
	return nil
}

func checkItBPay(s string) error {
	if s == "" || s == "1c" {
		return nil
	}
	m := itBPayRE.FindStringSubmatch(s)
	if m == nil {
		return invalid("it_b_pay", "%q is not an integer with unit m, h or d (e.g. 30m, 2h, 1d) or 1c", truncate(s, 20))
	}
	n, _ := strconv.Atoi(m[1])
	minutes := n
	switch m[2] {
	case "h":
		minutes = n * 60
	case "d":
		minutes = n * 24 * 60
	}
	if minutes > 15*24*60 {
		return invalid("it_b_pay", "%q is longer than 15d", s)
	}
	return nil
}

// AppOrderString validates o and returns the signed order string to hand
// to the Alipay app SDK: the sorted quoted pre-sign string (https://docs.antom.com/ac/app/pre_sign),
// then &sign="<URL-encoded Base64 signature>"&sign_type="RSA".
func (c *Client) AppOrderString(o *AppOrder) (string, error) {
	p, err := o.params(c.partner, c.seller)
	if err != nil {
		return "", err
	}
	return c.signQuoted(QuotedPreSignString(p))
}

// signQuoted appends the signature to an already built quoted pre-sign
// string.
func (c *Client) signQuoted(presign string) (string, error) {
	sig, err := c.keys.sign(c.orderSignType, presign)
	if err != nil {
		return "", err
	}
	return presign + `&sign="` + url.QueryEscape(sig) + `"&sign_type="` + string(c.orderSignType) + `"`, nil
}
