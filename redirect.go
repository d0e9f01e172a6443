package alipay

import "strings"

// RedirectKind says which field of a pay response a Redirect comes from,
// and so how to open it.
type RedirectKind string

// Redirect kinds.
const (
	// RedirectKindApplink is applinkUrl: an Android App Link or iOS
	// Universal Link. It opens the payment method's app when installed and
	// a mobile web page otherwise.
	RedirectKindApplink RedirectKind = "applinkUrl"
	// RedirectKindScheme is schemeUrl: an app URL scheme. It opens the app
	// and fails when the app is not installed.
	RedirectKindScheme RedirectKind = "schemeUrl"
	// RedirectKindNormal is normalUrl: a web page, for a browser or WebView.
	RedirectKindNormal RedirectKind = "normalUrl"
	// RedirectKindCodeValue is the TEXT code value of orderCodeForm: the
	// content of a QR code to render on the merchant's own page, not a page
	// to navigate to.
	RedirectKindCodeValue RedirectKind = "codeValue"
	// RedirectKindActionForm is redirectActionForm.redirectUrl with method
	// GET, used only when nothing else is offered.
	RedirectKindActionForm RedirectKind = "redirectActionForm"
)

// Redirect is one place to send the buyer after Pay.
type Redirect struct {
	Kind RedirectKind
	URL  string // for RedirectKindCodeValue, the code value
}

// Redirects returns every usable target of the response in order of
// preference for the device the payment was made for. Pass the Env of the
// PayRequest: only TerminalType and OSType are read. Empty fields are
// skipped, and a URL that appears under two kinds is listed once.
//
// The order comes from docs/protocol/ams.md §5, which draws on
// Antom's "URLs for payment redirection", "How to properly use the payment
// continuation URL" and the APM API integration guide:
//
//   - WEB: normalUrl (Antom: open it, ideally in a new tab), then
//     applinkUrl (it opens as a web page where no app can take it), then
//     the orderCodeForm code value to render as a QR code on your own page.
//     schemeUrl is never offered: a desktop browser cannot open it.
//   - WAP, iOS and Android alike: normalUrl (the guide: "It only needs to
//     redirect to the normalUrl through the front-end page"), then
//     applinkUrl, then schemeUrl, which fails without the app and which a
//     browser cannot check for. Antom's per-OS WAP strategy text is
//     truncated in every copy (docs/protocol/ams.md §8.3), so both OSes share
//     this order.
//   - APP (and MINI_APP) on iOS: applinkUrl (best in every case of the
//     guide's "Open payment method URL" table: the app if installed, the
//     web page otherwise), then normalUrl, then schemeUrl (no web
//     fallback, and iOS cannot check for the app without declaring its
//     scheme).
//   - APP (and MINI_APP) on Android: applinkUrl, then schemeUrl when the
//     response names the app's package in AppIdentifier (check that it is
//     installed before opening; skip to the next target if not), then
//     normalUrl; without AppIdentifier schemeUrl comes last, as on iOS.
//   - Any other terminal type: normalUrl, applinkUrl, schemeUrl, code value.
//
// In every case a GET redirectActionForm comes last.
func (r *PayResponse) Redirects(env Env) []Redirect {
	if r == nil {
		return nil
	}
	var kinds []RedirectKind
	switch env.TerminalType {
	case TerminalTypeWeb:
		kinds = []RedirectKind{RedirectKindNormal, RedirectKindApplink, RedirectKindCodeValue}
	case TerminalTypeWAP:
		kinds = []RedirectKind{RedirectKindNormal, RedirectKindApplink, RedirectKindScheme}
	case TerminalTypeApp, TerminalTypeMiniApp:
		if env.OSType == OSTypeAndroid && r.AppIdentifier != "" {
			kinds = []RedirectKind{RedirectKindApplink, RedirectKindScheme, RedirectKindNormal}
		} else {
			kinds = []RedirectKind{RedirectKindApplink, RedirectKindNormal, RedirectKindScheme}
		}
	default:
		kinds = []RedirectKind{RedirectKindNormal, RedirectKindApplink, RedirectKindScheme, RedirectKindCodeValue}
	}
	kinds = append(kinds, RedirectKindActionForm)

	out := make([]Redirect, 0, len(kinds))
	for _, k := range kinds {
		u := r.redirectTarget(k)
		if u == "" || redirectListed(out, u) {
			continue
		}
		out = append(out, Redirect{Kind: k, URL: u})
	}
	return out
}

// RedirectURL returns the first of Redirects(env), or "" when the response
// offers no target (for pay, Antom's rule is then to try again with a new
// paymentRequestId).
func (r *PayResponse) RedirectURL(env Env) string {
	if rs := r.Redirects(env); len(rs) > 0 {
		return rs[0].URL
	}
	return ""
}

func (r *PayResponse) redirectTarget(k RedirectKind) string {
	switch k {
	case RedirectKindApplink:
		return r.ApplinkURL
	case RedirectKindScheme:
		return r.SchemeURL
	case RedirectKindNormal:
		return r.NormalURL
	case RedirectKindCodeValue:
		if r.OrderCodeForm == nil {
			return ""
		}
		for _, d := range r.OrderCodeForm.CodeDetails {
			if d.DisplayType == DisplayTypeText || d.DisplayType == "" {
				return d.CodeValue
			}
		}
	case RedirectKindActionForm:
		if f := r.RedirectActionForm; f != nil && (f.Method == "" || strings.EqualFold(f.Method, "GET")) {
			return f.RedirectURL
		}
	}
	return ""
}

func redirectListed(rs []Redirect, u string) bool {
	for _, r := range rs {
		if r.URL == u {
			return true
		}
	}
	return false
}
