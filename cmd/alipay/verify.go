package main

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	"github.com/xborderpay/alipay"
)

const verifyAbout = `Checks the signature of a response or a notification from Antom with Antom's
public key and, when it does not verify, says what is most likely wrong: the key
(a pair that does not match), the body (changed bytes, re-serialised JSON), the
URI (production vs sandbox path, a proxy prefix), the time header, or a badly
escaped signature value.

Save a response with curl -i (or -D) and the exact body:
  curl -sS -i --data-binary @body.json -H ... https://.../ams/api/v1/payments/pay > response.txt
  alipay verify -key antom_public_key.pem -uri /ams/api/v1/payments/pay response.txt

A notification is a request: save it with its request line (POST /path HTTP/1.1),
headers, a blank line and the body; the URI then comes from the request line.
Without -uri, a response is tried against every AMS payment API path.
`

func (a *app) verify(_ context.Context, args []string) error {
	f := newFlags("verify", "alipay verify -key FILE [-uri URI] [-body FILE] MESSAGE-FILE", verifyAbout)
	keyFile := f.String("key", "", "`FILE` with Antom's public key (PEM or bare base64)")
	in := f.String("in", "", "`FILE` with the saved message: headers, a blank line, the body (or give it as the argument); - reads standard input")
	bodyFile := f.String("body", "", "`FILE` with the body, when the message file holds only headers (curl -D headers.txt -o body.json)")
	uri := f.String("uri", "", "the request `URI` that was called (path and query); for a notification, the public path Antom called")
	clientID := f.String("client-id", "", "your client `ID`, checked against the Client-Id header")
	merchantKeyFile := f.String("merchant-key", "", "`FILE` with your merchant public or private key, to recognise messages signed with it")
	if err := f.parse(a.stdout, args, 1); err != nil {
		return err
	}
	if *in == "" {
		*in = f.Arg(0)
	} else if f.NArg() > 0 {
		return usagef("give the message file either with -in or as the argument, not both")
	}
	if err := requireFlags(map[string]string{"key": *keyFile, "in": *in}, "key", "in"); err != nil {
		if *in == "" {
			return usagef("no message file: give the saved response or notification as the argument")
		}
		return err
	}
	if *in == "-" && *bodyFile == "-" {
		return usagef("only one of the message and -body can come from standard input")
	}
	var signURI string
	if *uri != "" {
		var err error
		if signURI, err = requestURIOf(*uri); err != nil {
			return err
		}
	}

	antomKey, err := a.readPublicKey("-key", *keyFile)
	if err != nil {
		return err
	}
	var merchantKey *rsa.PublicKey
	if *merchantKeyFile != "" {
		if merchantKey, err = a.readAnyKey("-merchant-key", *merchantKeyFile); err != nil {
			return err
		}
	}
	raw, err := a.readInput("the message", *in)
	if err != nil {
		return err
	}
	msg, err := parseHTTPMessage(raw)
	if err != nil {
		return fmt.Errorf("reading the message %s: %w", *in, err)
	}
	if *bodyFile != "" {
		if len(strings.TrimSpace(string(msg.body))) > 0 {
			return usagef("the message file already has a body after its headers; drop -body or save only the headers")
		}
		if msg.body, err = a.readInput("the body", *bodyFile); err != nil {
			return err
		}
	}

	p, err := signedPartsOf(msg, signURI, *clientID)
	if err != nil {
		fmt.Fprintln(a.stdout, "FAIL: the signature cannot be checked.")
		fmt.Fprintln(a.stdout, "  "+upperFirst(err.Error())+".")
		return &failedError{"cannot verify"}
	}
	a.printParts(p)
	d := diagnose(p, antomKey, merchantKey)
	a.printDiagnosis(d)
	if !d.ok {
		return &failedError{"signature does not verify"}
	}
	return nil
}

// signedPartsOf gathers what the signature covers from the message and the
// flags, or says in plain words what is missing.
func signedPartsOf(msg *httpMessage, uri, clientID string) (signedParts, error) {
	p := signedParts{
		method:      "POST",
		uri:         uri,
		clientID:    msg.header.Get("Client-Id"),
		givenClient: clientID,
		body:        msg.body,
		contentLen:  msg.header.Get("Content-Length"),
		times:       map[string]string{},
	}
	for _, name := range []string{"Request-Time", "Response-Time"} {
		if v := msg.header.Get(name); v != "" {
			p.times[name] = v
		}
	}
	switch {
	case msg.kind == kindResponse:
		p.response = true
	case msg.kind == kindRequest:
		// The request line is what arrived; -uri is what the user thinks
		// Antom called (the public path in front of a rewriting proxy).
		// Both are tried, the saved one first.
		p.method = msg.method
		if msg.uri != "" {
			if p.uri != "" && p.uri != msg.uri {
				p.otherURI = p.uri
			}
			p.uri = msg.uri
		}
	default:
		p.response = p.times["Response-Time"] != ""
	}
	if p.response {
		p.timeName = "Response-Time"
	} else {
		p.timeName = "Request-Time"
	}
	p.timeValue = p.times[p.timeName]

	sig := msg.header.Get("Signature")
	switch {
	case sig == "":
		what := "notification"
		if p.response {
			what = "response"
			if strings.HasPrefix(msg.status, "2") || msg.status == "" {
				what += ". Antom leaves some failures unsigned, notably when it rejected your request's own signature (INVALID_SIGNATURE): look at the result in the body"
			}
		}
		return p, errors.New("there is no Signature header in this " + what)
	case p.timeValue == "":
		return p, fmt.Errorf("there is no %s header; Antom signs it, so it must be saved with the message", p.timeName)
	case !p.response && p.uri == "":
		return p, errors.New("the notification was saved without its request line (POST /path HTTP/1.1), so the URI Antom signed is unknown; pass the path of your notify URL with -uri")
	case p.clientID == "" && clientID == "":
		return p, errors.New("there is no Client-Id header; pass your client ID with -client-id")
	case p.clientID == "":
		p.clientID, p.givenClient = clientID, ""
	}
	p.sigValue = rawSignatureValue(sig)
	if p.sigValue == "" {
		return p, errors.New("the Signature header has no signature= value; it should look like algorithm=RSA256,keyVersion=1,signature=<URL-escaped base64>")
	}
	return p, nil
}

func (a *app) printParts(p signedParts) {
	w := a.stdout
	if p.response {
		fmt.Fprintln(w, "Checking a response from Antom.")
	} else {
		fmt.Fprintln(w, "Checking a notification from Antom.")
	}
	uri := p.uri
	if uri == "" {
		uri = "(unknown: pass -uri; trying every AMS payment API path)"
	}
	fmt.Fprintf(w, "  %-13s %s %s\n", "URI", p.method, uri)
	if p.otherURI != "" {
		fmt.Fprintf(w, "  %-13s %s %s (from -uri, tried second)\n", "", p.method, p.otherURI)
	}
	fmt.Fprintf(w, "  %-13s %s\n", "Client-Id", p.clientID)
	fmt.Fprintf(w, "  %-13s %s\n", p.timeName, p.timeValue)
	fmt.Fprintf(w, "  %-13s %d bytes\n", "body", len(p.body))
	if p.givenClient != "" && p.givenClient != p.clientID {
		fmt.Fprintf(w, "Warning: the Client-Id header %s is not your client ID %s.\n", p.clientID, p.givenClient)
	}
}

func (a *app) printDiagnosis(d diagnosis) {
	w := a.stdout
	switch {
	case d.ok && d.foundURI != "":
		fmt.Fprintf(w, "OK: the signature verifies with Antom's public key for URI %s.\n", d.foundURI)
	case d.ok:
		fmt.Fprintln(w, "OK: the signature verifies with Antom's public key.")
	default:
		fmt.Fprintln(w, "FAIL: the signature does not verify.")
		fmt.Fprintf(w, "Most likely wrong: %s.\n", d.culprit)
	}
	for _, line := range d.details {
		fmt.Fprintln(w, "  "+line)
	}
}

// readPublicKey reads Antom's public key from a file.
func (a *app) readPublicKey(flagName, file string) (*rsa.PublicKey, error) {
	b, err := a.readInput(flagName+" "+file, file)
	if err != nil {
		return nil, err
	}
	k, err := alipay.ParsePublicKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flagName, file, err)
	}
	return k, nil
}

// readAnyKey reads a public key, or the public half of a private key.
func (a *app) readAnyKey(flagName, file string) (*rsa.PublicKey, error) {
	b, err := a.readInput(flagName+" "+file, file)
	if err != nil {
		return nil, err
	}
	if k, err := alipay.ParsePublicKey(string(b)); err == nil {
		return k, nil
	}
	k, err := alipay.ParsePrivateKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s %s: neither a public nor a private RSA key: %w", flagName, file, err)
	}
	return &k.PublicKey, nil
}
