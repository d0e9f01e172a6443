package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/xborderpay/alipay"
)

const signAbout = `Signs a request the way Antom expects and prints the exact string to sign
and the headers to send:

  <METHOD> <URI>
  <client ID>.<request time>.<body>

The body is used byte for byte: send it with curl --data-binary @FILE
(curl -d @FILE strips line breaks and would break the signature).
Compare the output with what your own code signs to find a mismatch.
`

func (a *app) sign(ctx context.Context, args []string) error {
	f := newFlags("sign", "alipay sign -key FILE -client-id ID -uri URI -body FILE [-time T]", signAbout)
	keyFile := f.String("key", "", "`FILE` with your merchant private key (PEM or bare base64, PKCS #8 or PKCS #1)")
	clientID := f.String("client-id", "", "your Antom client `ID`")
	uri := f.String("uri", "", "request `URI`: path and query, e.g. /ams/api/v1/payments/pay (a full URL is cut to its path)")
	bodyFile := f.String("body", "", "`FILE` holding the exact request body; - reads standard input")
	reqTime := f.String("time", "", "the Request-Time header `T` (default: now, in epoch milliseconds)")
	keyVersion := f.String("key-version", alipay.DefaultKeyVersion, "the `keyVersion` to put in the Signature header")
	method := f.String("method", "POST", "HTTP `method`; Antom's APIs always use POST")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	if err := requireFlags(map[string]string{"key": *keyFile, "client-id": *clientID, "uri": *uri, "body": *bodyFile},
		"key", "client-id", "uri", "body"); err != nil {
		return err
	}
	signURI, err := requestURIOf(*uri)
	if err != nil {
		return err
	}
	if *reqTime == "" {
		*reqTime = strconv.FormatInt(a.now().UnixMilli(), 10)
	}
	keyPEM, err := a.readInput("the private key", *keyFile)
	if err != nil {
		return err
	}
	key, err := alipay.ParsePrivateKey(string(keyPEM))
	if err != nil {
		return fmt.Errorf("-key %s: %w", *keyFile, err)
	}
	body, err := a.readInput("the body", *bodyFile)
	if err != nil {
		return err
	}

	content := alipay.SignContent(*method, signURI, *clientID, *reqTime, body)
	sig, err := alipay.NewSigner(key).Sign(ctx, content)
	if err != nil {
		return err
	}
	header := alipay.SignatureHeader{Algorithm: alipay.AlgorithmRSA256, KeyVersion: *keyVersion, Signature: sig}

	w := a.stdout
	fmt.Fprintf(w, "String to sign (%d bytes, between the marker lines):\n", len(content))
	fmt.Fprintln(w, "-----BEGIN STRING TO SIGN-----")
	w.Write(content)
	if !bytes.HasSuffix(content, []byte("\n")) {
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "-----END STRING TO SIGN-----")
	for _, note := range signNotes(signURI, *clientID, body) {
		fmt.Fprintln(w, "Note: "+note)
	}
	fmt.Fprintln(w, "\nHeaders:")
	fmt.Fprintln(w, "Content-Type: application/json; charset=UTF-8")
	fmt.Fprintln(w, "Client-Id: "+*clientID)
	fmt.Fprintln(w, "Request-Time: "+*reqTime)
	fmt.Fprintln(w, "Signature: "+header.Encode())
	return nil
}

// signNotes points out the usual causes of a signature Antom refuses.
func signNotes(uri, clientID string, body []byte) []string {
	var notes []string
	if bytes.HasSuffix(body, []byte("\n")) {
		notes = append(notes, "the body ends with a line break, which is signed too; send the body byte for byte (curl --data-binary)")
	}
	if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		notes = append(notes, "the body starts with a UTF-8 byte order mark, which is signed too")
	}
	sandboxID := strings.HasPrefix(clientID, "SANDBOX_")
	switch {
	case sandboxID && strings.HasPrefix(uri, "/ams/api/"):
		notes = append(notes, "the client ID is a sandbox ID but the URI is a production path; Antom's sandbox is called (and signed) at "+
			strings.Replace(uri, "/ams/api/", "/ams/sandbox/api/", 1))
	case !sandboxID && strings.HasPrefix(uri, "/ams/sandbox/api/"):
		notes = append(notes, "the URI is a sandbox path but the client ID is not a SANDBOX_ ID")
	}
	return notes
}

// requestURIOf returns the path and query of s, which is either already a
// request URI or a full URL.
func requestURIOf(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "/") {
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", usagef("-uri %q is neither a path starting with / nor a full URL", s)
	}
	return u.RequestURI(), nil
}
