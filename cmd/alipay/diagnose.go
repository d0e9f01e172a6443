package main

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	_ "crypto/sha1" // registers SHA-1 so diagnose can recognise legacy RSA (SHA1withRSA) signatures
	_ "crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/xborderpay/alipay"
)

// signedParts is everything that goes into a signature check, as found in
// the message and on the command line.
type signedParts struct {
	method      string
	uri         string // "" when unknown (a response and no -uri)
	otherURI    string // -uri, when it differs from a saved request line's URI
	response    bool
	clientID    string // from the Client-Id header
	givenClient string // from -client-id
	timeName    string // Response-Time or Request-Time
	timeValue   string
	times       map[string]string // every time header present
	body        []byte
	contentLen  string
	sigValue    string // the raw signature= value from the Signature header
}

// A diagnosis is the outcome of verify: whether the signature holds and, if
// not, the most likely culprit with an explanation.
type diagnosis struct {
	ok       bool
	foundURI string   // set when ok and the URI had to be found
	culprit  string   // "the key", "the body", "the URI", ...
	details  []string // sentences for the user
}

// sigCandidate is one way of decoding the signature value.
type sigCandidate struct {
	sig []byte
	how string // "" when decoded as specified; else what went wrong with its encoding
}

// signatureCandidates decodes the signature= value as specified
// (url.QueryUnescape, then standard base64) and in the ways a broken
// integration leaves it.
func signatureCandidates(v string) []sigCandidate {
	var out []sigCandidate
	add := func(s string, enc *base64.Encoding, how string) {
		sig, err := enc.DecodeString(s)
		if err != nil || len(sig) == 0 {
			return
		}
		for _, c := range out {
			if bytes.Equal(c.sig, sig) {
				return
			}
		}
		out = append(out, sigCandidate{sig, how})
	}
	if u, err := url.QueryUnescape(v); err == nil {
		add(u, base64.StdEncoding, "")
		if uu, err := url.QueryUnescape(u); err == nil && uu != u {
			add(uu, base64.StdEncoding, "it was URL-escaped twice (%252B for +): unescape it once more, or better, have it escaped only once")
		}
		add(u, base64.RawStdEncoding, "its base64 padding (=) was stripped")
		add(u, base64.URLEncoding, "it uses the URL-safe base64 alphabet (- and _); Antom uses standard base64 (+ and /), URL-escaped")
	}
	add(v, base64.StdEncoding, "it is not URL-escaped: a raw base64 value passes through url.QueryUnescape with its + turned into spaces")
	if strings.Contains(v, " ") {
		fixed := strings.ReplaceAll(v, " ", "+")
		if u, err := url.QueryUnescape(fixed); err == nil {
			add(u, base64.StdEncoding, "its + characters became spaces: the value was sent without URL-escaping and then URL-decoded (url.QueryUnescape or a form decoder turns + into a space). Antom sends it URL-escaped (%2B) and it must be unescaped exactly once")
		}
		add(fixed, base64.StdEncoding, "its + characters became spaces: the value was sent without URL-escaping and then URL-decoded")
	}
	return out
}

// rawSignatureValue returns the text after signature= in a Signature header.
func rawSignatureValue(header string) string {
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "signature") {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// diagnose verifies p with Antom's key and, when that fails, works out the
// most likely reason. merchantKey may be nil.
func diagnose(p signedParts, antomKey, merchantKey *rsa.PublicKey) (d diagnosis) {
	cands := signatureCandidates(p.sigValue)
	if len(cands) == 0 {
		return diagnosis{culprit: "the signature encoding", details: []string{
			"The signature value in the Signature header is not base64, URL-escaped or not, so it cannot be checked.",
			"It should look like algorithm=RSA256,keyVersion=1,signature=<URL-escaped base64>.",
		}}
	}

	// The straight check, exactly as the SDK does it: the saved URI first,
	// then -uri when it differs.
	for i, uri := range []string{p.uri, p.otherURI} {
		if uri == "" {
			continue
		}
		h, err := alipay.ParseSignatureHeader("algorithm=RSA256,signature=" + p.sigValue)
		if err != nil {
			break
		}
		content := alipay.SignContent(p.method, uri, p.clientID, p.timeValue, p.body)
		if alipay.NewVerifier(antomKey).Verify(content, h.Signature) != nil {
			continue
		}
		d := diagnosis{ok: true}
		if i == 0 && p.otherURI != "" {
			d.details = append(d.details, fmt.Sprintf("Note: Antom signed the URI on the request line, %s; -uri %s is not the URI Antom called.", p.uri, p.otherURI))
		}
		if i == 1 {
			d.foundURI = uri
			d.details = append(d.details, fmt.Sprintf("Antom signed the URI given with -uri, %s; the request line says %s, so something between rewrote the path (verify with the path and query Antom called).", uri, p.uri))
		}
		if !bytes.Equal(h.Signature, cands[0].sig) || strings.ContainsAny(p.sigValue, "+/") {
			d.details = append(d.details, "Note: the signature value is not URL-escaped. This SDK accepts it, but the official SDKs unescape it first, which turns + into spaces; Antom itself always escapes it (%2B, %2F, %3D).")
		}
		return d
	}

	// Find a signature decoding under which Antom's key opens the signature.
	var (
		found   *sigCandidate
		digest  signedDigest
		keyErrs []error
	)
	for i := range cands {
		d, err := recoverDigest(antomKey, cands[i].sig)
		if err == nil {
			found, digest = &cands[i], d
			break
		}
		keyErrs = append(keyErrs, err)
	}
	if found == nil {
		return diagnoseKey(cands, keyErrs, antomKey, merchantKey)
	}

	m, ok := searchContent(p, digest)
	if !ok && p.otherURI != "" {
		alt := p
		alt.uri, alt.otherURI = p.otherURI, ""
		m, ok = searchContent(alt, digest)
	}
	if digest.hash != crypto.SHA256 {
		d.culprit = "the signature algorithm"
		d.details = append(d.details, fmt.Sprintf("The signature uses %s, not SHA-256: it was made with the legacy RSA (SHA1withRSA) scheme, but Antom's AMS API uses RSA256 (SHA256withRSA). The key pair is right.", digest.hash))
		if ok && len(m.changes) > 0 {
			d.details = append(d.details, "In addition: "+strings.Join(m.changes, "; ")+".")
		}
		return d
	}
	if !ok {
		if signed, found := searchTime(p, digest); found {
			d.culprit = "the time header"
			d.details = append(d.details,
				fmt.Sprintf("Antom signed %s %s, but the message says %s: the header was changed after the message arrived (or the message was put together from two saves).", p.timeName, signed, p.timeValue),
				"The key, URI and body are right. Verify with the time header exactly as received.")
			return d
		}
		d.culprit = "the signed content (most likely the body)"
		d.details = append(d.details,
			"The key is right: the signature opens with Antom's public key, so Antom's private key made it. But it covers other bytes than the ones here.",
			"None of the usual alterations of the URI, time header, client ID or body reproduces them, so the body was most likely changed (bytes edited, decoded and encoded again, or transcoded) before it was saved.",
			"Verify over the raw body bytes exactly as they arrived, with the URI that was called and the time header exactly as received.")
		if found.how != "" {
			d.details = append(d.details, "Also, the signature value is malformed: "+found.how+".")
		}
		return d
	}
	if p.uri == "" {
		defer func() {
			if !d.ok {
				d.details = append(d.details, "(The response answers a call to "+m.uri+".)")
			}
		}()
	}
	if len(m.changes) == 0 && found.how == "" {
		// Only possible when the URI was unknown and has now been found.
		return diagnosis{ok: true, foundURI: m.uri}
	}
	if len(m.changes) == 0 {
		d.culprit = "the signature encoding"
		d.details = append(d.details, "The Signature header's value is malformed: "+found.how+".",
			"Decoded the right way, it verifies: the key, URI, time header and body are all fine.")
		return d
	}
	d.culprit = m.culprit
	for _, c := range m.changes {
		d.details = append(d.details, upperFirst(c)+".")
	}
	d.details = append(d.details, "With that, the signature verifies; the key is right.")
	if found.how != "" {
		d.details = append(d.details, "Also, the signature value is malformed: "+found.how+".")
	}
	switch {
	case m.uri == p.uri || p.uri == "":
	case p.response:
		d.details = append(d.details, "Verify with the URI exactly as called: path and query, host excluded, with /ams/sandbox/api/ for SANDBOX_ client IDs.")
	default:
		d.details = append(d.details, "Verify with the path and query Antom called (those of the notify URL you gave Antom), not the path as a proxy rewrote it; pass it with -uri.")
	}
	return d
}

// diagnoseKey explains a signature that no decoding opens with Antom's key.
func diagnoseKey(cands []sigCandidate, errs []error, antomKey, merchantKey *rsa.PublicKey) diagnosis {
	d := diagnosis{culprit: "the key"}
	if merchantKey != nil && merchantKey.N.Cmp(antomKey.N) == 0 {
		d.details = append(d.details, "The key given as Antom's public key is your own merchant public key. Use Antom's public key (Antom Dashboard > Developer > Quick start > Integration resources).")
	}
	if merchantKey != nil {
		for _, c := range cands {
			if _, err := recoverDigest(merchantKey, c.sig); err == nil {
				d.details = append(d.details, "The signature was made with your merchant private key, not Antom's: this message was signed by your side (a request you sent, or a test notification signed with the wrong key). Antom's responses and notifications are verified with Antom's public key.")
				return d
			}
		}
	}
	var lenErr error
	for _, err := range errs {
		if !errors.Is(err, errNotThisKey) {
			lenErr = err
			break
		}
	}
	if lenErr != nil {
		d.details = append(d.details, upperFirst(lenErr.Error())+": the signature and the key do not belong to the same key pair (or the signature was cut short when copied).")
	}
	d.details = append(d.details,
		"The signature was not made with the private half of this public key, so no change to the body, URI or time header can make it verify.",
		"Use Antom's public key for this client ID and environment: sandbox and production keys differ, each client ID has its own, and keys change on rotation.")
	return d
}

// contentMatch is the combination of variants whose content has the
// signed digest.
type contentMatch struct {
	uri     string
	changes []string
	culprit string
}

// searchContent tries every combination of plausible variants of the URI,
// client ID, time header and body, and returns the one with the fewest
// changes whose sign content hashes to the signed digest.
func searchContent(p signedParts, sd signedDigest) (contentMatch, bool) {
	uris := uriVariants(p.uri, p.response)
	clients := clientIDVariants(p.clientID, p.givenClient)
	times := timeVariants(p.timeName, p.timeValue, p.times)
	bodies := bodyVariants(p.body, p.contentLen)
	type part struct{ culprit, change string }
	var (
		best  contentMatch
		found bool
		h     = sd.hash.New()
		// With a large body, try one change at a time: the full cross
		// product would hash the body thousands of times.
		singleOnly = len(p.body) > 256<<10
	)
	for _, b := range bodies {
		for _, u := range uris {
			for _, c := range clients {
				for _, t := range times {
					if singleOnly && changed(u, c, t, b) > 1 {
						continue
					}
					h.Reset()
					h.Write(alipay.SignContent(p.method, u.value, c.value, t.value, []byte(b.value)))
					if !bytes.Equal(h.Sum(nil), sd.digest) {
						continue
					}
					var parts []part
					for _, x := range []part{{"the URI", u.change}, {"the time header", t.change}, {"the client ID", c.change}, {"the body", b.change}} {
						if x.change != "" {
							parts = append(parts, x)
						}
					}
					if found && len(parts) >= len(best.changes) {
						continue
					}
					best, found = contentMatch{uri: u.value}, true
					for _, x := range parts {
						best.changes = append(best.changes, strings.TrimPrefix(x.change, x.culprit+": "))
					}
					if len(parts) > 0 {
						best.culprit = parts[0].culprit
					}
				}
			}
		}
	}
	return best, found
}

// changed counts the variants that differ from what was given.
func changed(vs ...variant) int {
	n := 0
	for _, v := range vs {
		if v.change != "" {
			n++
		}
	}
	return n
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
