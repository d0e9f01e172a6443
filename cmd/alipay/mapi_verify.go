package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/mapi"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const mapiVerifyAbout = `Checks the signature of a saved MAPI message: a notification body as
Alipay posted it to your notify_url (form-encoded), or a gateway answer (the
XML of single_trade_query, forex_refund, ...). It prints the string that is
signed and, when the signature does not verify, what is most likely wrong:
the sign type, the signed string built differently (sign_type or empty values
included, values encoded), or the key.

A notification that verifies here must still be confirmed with notify_verify
within about a minute of its sending; package mapi does both.
`

func (a *app) mapiVerify(ctx context.Context, args []string) error {
	f := newFlags("mapi verify", "alipay mapi verify -in FILE [-alipay-key FILE] [-md5-key FILE] [-sign-type T]", mapiVerifyAbout)
	inFile := f.String("in", "", "`FILE` holding the notification body or the gateway answer; - reads standard input")
	keyFile := f.String("alipay-key", "", "`FILE` with Alipay's public key, for RSA and RSA2 signatures")
	md5File := f.String("md5-key", "", "`FILE` holding your MD5 key, for MD5 signatures")
	want := f.String("sign-type", "", "the sign `type` your integration accepts (RSA, RSA2 or MD5); a message signed otherwise fails")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	if err := requireFlags(map[string]string{"in": *inFile}, "in"); err != nil {
		return err
	}
	if *keyFile == "" && *md5File == "" {
		return usagef("give -alipay-key (RSA, RSA2) or -md5-key (MD5), or both")
	}
	msg, err := a.readInput("the message", *inFile)
	if err != nil {
		return err
	}
	var v verifier
	if *keyFile != "" {
		b, err := a.readInput("Alipay's public key", *keyFile)
		if err != nil {
			return err
		}
		if v.pub, err = alipay.ParsePublicKey(string(b)); err != nil {
			return fmt.Errorf("-alipay-key %s: %w", *keyFile, err)
		}
	}
	if *md5File != "" {
		b, err := a.readInput("the MD5 key", *md5File)
		if err != nil {
			return err
		}
		v.md5Key = strings.TrimSpace(string(b))
	}
	trimmed := bytes.TrimSpace(msg)
	var m *signedMessage
	if bytes.HasPrefix(trimmed, []byte("<")) {
		m, err = parseAnswer(trimmed)
	} else {
		m, err = parseNotification(string(trimmed))
	}
	if err != nil {
		fmt.Fprintf(a.stdout, "FAIL: %v\n", err)
		return &failedError{"unreadable message"}
	}
	return a.mapiReport(m, &v, mapi.SignType(strings.ToUpper(*want)))
}

// signedMessage is what verification needs of a message.
type signedMessage struct {
	kind     string            // "notification" or "gateway answer"
	fields   map[string]string // the signed fields, as the rule reads them
	empties  []string          // names whose value was empty (dropped from the signature)
	encoded  map[string]string // fields before URL-decoding (notifications)
	sign     string
	signType mapi.SignType
	extra    []string // notes found while parsing
	envelope map[string]string
}

func parseNotification(body string) (*signedMessage, error) {
	fields, err := mapi.ParseForm(body)
	if err != nil {
		return nil, fmt.Errorf("not a form-encoded notification body: %w", err)
	}
	m := &signedMessage{kind: "notification", fields: map[string]string{}, encoded: map[string]string{}}
	for _, pair := range strings.Split(body, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err == nil {
			m.encoded[name] = v
		}
	}
	for k, v := range fields {
		switch {
		case k == "sign":
			m.sign = v
		case k == "sign_type":
			m.signType = mapi.SignType(v)
		case v == "":
			m.empties = append(m.empties, k)
		default:
			m.fields[k] = v
		}
	}
	return m, nil
}

// parseAnswer reads a gateway XML answer: the signed fields are the
// children of the element under <response> (the rule package mapi
// applies), or the leaf children of <alipay> for an answer without one.
func parseAnswer(b []byte) (*signedMessage, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "gbk", "gb2312":
			return simplifiedchinese.GBK.NewDecoder().Reader(r), nil
		case "utf-8", "utf8":
			return r, nil
		}
		return nil, fmt.Errorf("charset %q", label)
	}
	m := &signedMessage{kind: "gateway answer", fields: map[string]string{}, envelope: map[string]string{}}
	var path []string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a gateway XML answer: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
			text.Reset()
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			v := strings.TrimSpace(text.String())
			switch {
			case len(path) == 2 && path[0] == "alipay":
				switch path[1] {
				case "sign":
					m.sign = v
				case "sign_type":
					m.signType = mapi.SignType(v)
				case "request", "response":
				default:
					m.envelope[path[1]] = v
				}
			case len(path) == 4 && path[1] == "response" && path[3] != "sign" && path[3] != "sign_type":
				if v == "" {
					m.empties = append(m.empties, path[3])
				} else {
					m.fields[path[3]] = v
				}
			}
			path = path[:len(path)-1]
			text.Reset()
		}
		if len(path) > 8 {
			return nil, errors.New("not a gateway XML answer: nested too deep")
		}
	}
	if len(m.fields) == 0 {
		for k, v := range m.envelope {
			m.fields[k] = v
		}
		m.extra = append(m.extra, "the answer has no <response> element: the signed fields are taken to be those of <alipay> itself")
	}
	return m, nil
}

// verifier holds the keys given.
type verifier struct {
	pub    *rsa.PublicKey
	md5Key string
}

// check reports whether sig verifies content with sign type st.
func (v *verifier) check(st mapi.SignType, content, sig string) bool {
	switch st {
	case mapi.SignTypeMD5:
		if v.md5Key == "" {
			return false
		}
		sum := md5.Sum([]byte(content + v.md5Key))
		return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(strings.ToLower(sig))) == 1
	case mapi.SignTypeRSA, mapi.SignTypeRSA2:
		if v.pub == nil {
			return false
		}
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			return false
		}
		h, digest := crypto.SHA1, sha1.Sum([]byte(content))
		d := digest[:]
		if st == mapi.SignTypeRSA2 {
			s := sha256.Sum256([]byte(content))
			h, d = crypto.SHA256, s[:]
		}
		return rsa.VerifyPKCS1v15(v.pub, h, d, raw) == nil
	}
	return false
}

func (a *app) mapiReport(m *signedMessage, v *verifier, want mapi.SignType) error {
	w := a.stdout
	content := mapi.PreSignString(m.fields)
	fmt.Fprintf(w, "%s, sign_type %q, %d signed fields.\n", upperFirst(m.kind), m.signType, len(m.fields))
	for _, e := range m.extra {
		fmt.Fprintln(w, "Note: "+e)
	}
	fmt.Fprintln(w, "Pre-sign string (sorted, empty values and sign/sign_type left out):")
	fmt.Fprintln(w, content)
	if m.kind == "gateway answer" && m.envelope["error"] != "" {
		fmt.Fprintf(w, "Alipay answered is_success=%s with error %s: %s\n", m.envelope["is_success"], m.envelope["error"], gatewayErrorHint(m.envelope["error"]))
	}
	fail := func(why string, likely ...string) error {
		fmt.Fprintln(w, "FAIL: "+why)
		for _, l := range likely {
			fmt.Fprintln(w, "Most likely: "+l)
		}
		return &failedError{why}
	}
	if m.sign == "" || m.signType == "" {
		if m.kind == "notification" {
			return fail("the notification has no sign or sign_type", "it is not from Alipay, which signs every notification, or a proxy dropped fields")
		}
		return fail("the answer is unsigned",
			"an access error (ILLEGAL_PARTNER, ILLEGAL_SIGN, ...) comes unsigned because the gateway could not identify the caller; package mapi never takes an unsigned answer as an outcome")
	}
	if want != "" && m.signType != want {
		return fail(fmt.Sprintf("signed with %s, but your integration accepts %s", m.signType, want),
			"a message whose sign type you did not configure must be refused, even if its signature is good: accepting the sender's choice lets a weaker type in")
	}
	if v.check(m.signType, content, m.sign) {
		fmt.Fprintf(w, "OK: the signature verifies (%s).\n", m.signType)
		if m.kind == "notification" {
			fmt.Fprintln(w, "Next: confirm the notify_id with notify_verify within about a minute, then answer exactly \"success\".")
		}
		return nil
	}
	return fail(fmt.Sprintf("the signature does not verify (%s)", m.signType), mapiDiagnose(m, v)...)
}

// mapiDiagnose tries the ways a signed string is commonly built wrong and
// says which one makes the signature verify, or blames the key.
func mapiDiagnose(m *signedMessage, v *verifier) []string {
	if (m.signType == mapi.SignTypeMD5 && v.md5Key == "") || (m.signType != mapi.SignTypeMD5 && v.pub == nil) {
		return []string{fmt.Sprintf("no key for %s was given: pass %s", m.signType, map[bool]string{true: "-md5-key", false: "-alipay-key"}[m.signType == mapi.SignTypeMD5])}
	}
	try := func(content string) bool { return v.check(m.signType, content, m.sign) }
	other := map[mapi.SignType]mapi.SignType{mapi.SignTypeRSA: mapi.SignTypeRSA2, mapi.SignTypeRSA2: mapi.SignTypeRSA}[m.signType]
	content := mapi.PreSignString(m.fields)
	if other != "" && v.check(other, content, m.sign) {
		return []string{fmt.Sprintf("the signature is %s but sign_type says %s: RSA is SHA-1, RSA2 is SHA-256; they need separate registrations", other, m.signType)}
	}
	// PreSignString leaves sign_type out by rule: put it back by hand.
	withType := append(strings.Split(content, "&"), "sign_type="+string(m.signType))
	sort.Strings(withType)
	if try(strings.Join(withType, "&")) {
		return []string{"sign_type was included in the signed string; Alipay's rule leaves out both sign and sign_type"}
	}
	if len(m.empties) > 0 {
		parts := strings.Split(content, "&")
		for _, e := range m.empties {
			parts = append(parts, e+"=")
		}
		sort.Strings(parts)
		if try(strings.Join(parts, "&")) {
			return []string{"empty values were signed (" + strings.Join(m.empties, ", ") + "); Alipay drops them from the signed string"}
		}
	}
	if m.encoded != nil {
		raw, plus := map[string]string{}, map[string]string{}
		for k := range m.fields {
			raw[k] = m.encoded[k]
			plus[k] = strings.ReplaceAll(m.fields[k], " ", "+")
		}
		if try(mapi.PreSignString(raw)) {
			return []string{"the signature covers the URL-encoded values; Alipay signs the decoded ones (the body was decoded once too few times somewhere)"}
		}
		if try(mapi.PreSignString(plus)) {
			return []string{"a '+' in a value was turned into a space (or the reverse): the body was re-encoded or decoded as a query string on the way"}
		}
	}
	if m.kind == "gateway answer" {
		all := map[string]string{}
		for k, s := range m.envelope {
			all[k] = s
		}
		for k, s := range m.fields {
			all[k] = s
		}
		if try(mapi.PreSignString(all)) {
			return []string{"the signature covers the envelope (is_success, ...) too, not only the element under <response>"}
		}
	}
	if m.signType == mapi.SignTypeMD5 {
		return []string{"the MD5 key is not the one of this partner ID (the sandbox key against production or the reverse), or the message was altered"}
	}
	return []string{"the key: -alipay-key is not the key Alipay signed this " + m.kind + " with (the sandbox key against production or the reverse, " +
		"or your own merchant public key instead of Alipay's), or the message was altered after signing"}
}

// gatewayErrorHint says what a gateway error code most likely means for a
// merchant porting a demo.
func gatewayErrorHint(code string) string {
	switch mapi.ErrorCode(code) {
	case mapi.CodeIllegalPartner:
		return "the partner ID is wrong, or not active on this gateway (a production PID against the sandbox or the reverse)"
	case mapi.CodeIllegalSign:
		return "Alipay could not verify your request's signature: compare your pre-sign string with alipay mapi sign"
	case mapi.CodeIllegalSignType:
		return "the sign type is not the one registered for this partner (RSA2 needs its own registration)"
	case mapi.CodeIllegalPartnerExterface:
		return "the service is not activated for this partner ID"
	case mapi.CodeIllegalAccessSwitchSystem:
		return "the request went to the wrong gateway host"
	case mapi.CodeSystemError, mapi.CodeSystemException:
		return "a temporary error on Alipay's side: retry with the same parameters"
	}
	return "see the error codes of the service's documentation page"
}
