package alipay

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

const (
	redirectTestApplink = "https://render.alipay.hk/p/s/applink"
	redirectTestScheme  = "alipayhk://platformapi/startapp?x=1"
	redirectTestNormal  = "https://open-sea.alipayplus.com/cashier/normal"
	redirectTestCode    = "https://global.alipay.com/281002040098XXXX"
)

// redirectTestResponse builds a pay response holding the URL kinds in has.
func redirectTestResponse(has map[RedirectKind]bool, appIdentifier string) *PayResponse {
	r := &PayResponse{AppIdentifier: appIdentifier}
	if has[RedirectKindApplink] {
		r.ApplinkURL = redirectTestApplink
	}
	if has[RedirectKindScheme] {
		r.SchemeURL = redirectTestScheme
	}
	if has[RedirectKindNormal] {
		r.NormalURL = redirectTestNormal
	}
	if has[RedirectKindCodeValue] {
		r.OrderCodeForm = &OrderCodeForm{CodeDetails: []CodeDetail{
			{CodeValue: "https://global.alipay.com/qr.png", DisplayType: DisplayTypeBigImage},
			{CodeValue: redirectTestCode, DisplayType: DisplayTypeText},
		}}
	}
	return r
}

// TestRedirectOrder runs over terminalType × osType × AppIdentifier × every
// subset of the URL kinds present. The preference order per device is
// written out here by hand from docs/protocol/ams.md §5 (see Redirects), independently of
// the implementation; the result must be that order filtered to the kinds
// present.
func TestRedirectOrder(t *testing.T) {
	var (
		A = RedirectKindApplink
		S = RedirectKindScheme
		N = RedirectKindNormal
		C = RedirectKindCodeValue
	)
	order := func(tt TerminalType, os OSType, appID bool) []RedirectKind {
		switch tt {
		case TerminalTypeWeb:
			return []RedirectKind{N, A, C} // never schemeUrl on a desktop
		case TerminalTypeWAP:
			return []RedirectKind{N, A, S}
		case TerminalTypeApp, TerminalTypeMiniApp:
			if os == OSTypeAndroid && appID {
				return []RedirectKind{A, S, N}
			}
			return []RedirectKind{A, N, S}
		}
		return []RedirectKind{N, A, S, C}
	}
	urlOf := map[RedirectKind]string{A: redirectTestApplink, S: redirectTestScheme, N: redirectTestNormal, C: redirectTestCode}
	all := []RedirectKind{A, S, N, C}

	for _, tt := range []TerminalType{TerminalTypeWeb, TerminalTypeWAP, TerminalTypeApp, TerminalTypeMiniApp, ""} {
		for _, os := range []OSType{OSTypeIOS, OSTypeAndroid, ""} {
			for _, appID := range []bool{false, true} {
				for mask := 0; mask < 1<<len(all); mask++ {
					has := map[RedirectKind]bool{}
					for i, k := range all {
						has[k] = mask&(1<<i) != 0
					}
					name := fmt.Sprintf("%s/%s/appIdentifier=%t/%v", tt, os, appID, has)
					identifier := ""
					if appID {
						identifier = "hk.alipay.wallet"
					}
					resp := redirectTestResponse(has, identifier)
					env := Env{TerminalType: tt, OSType: os}

					var want []Redirect
					for _, k := range order(tt, os, appID) {
						if has[k] {
							want = append(want, Redirect{Kind: k, URL: urlOf[k]})
						}
					}
					got := resp.Redirects(env)
					if len(want) == 0 {
						assert.Empty(t, got, name)
						assert.Empty(t, resp.RedirectURL(env), name)
						continue
					}
					assert.Equal(t, want, got, name)
					assert.Equal(t, want[0].URL, resp.RedirectURL(env), name)
				}
			}
		}
	}
}

// A few cases spelled out, as a reader would check them against docs/protocol/ams.md §5.
func TestRedirectExamples(t *testing.T) {
	all := &PayResponse{ApplinkURL: redirectTestApplink, SchemeURL: redirectTestScheme, NormalURL: redirectTestNormal, AppIdentifier: "hk.alipay.wallet"}
	web := Env{TerminalType: TerminalTypeWeb}
	wapIOS := Env{TerminalType: TerminalTypeWAP, OSType: OSTypeIOS}
	appIOS := Env{TerminalType: TerminalTypeApp, OSType: OSTypeIOS}
	appAndroid := Env{TerminalType: TerminalTypeApp, OSType: OSTypeAndroid}

	assert.Equal(t, redirectTestNormal, all.RedirectURL(web))
	assert.Equal(t, redirectTestNormal, all.RedirectURL(wapIOS))
	assert.Equal(t, redirectTestApplink, all.RedirectURL(appIOS))
	assert.Equal(t, redirectTestApplink, all.RedirectURL(appAndroid))

	// Without an App Link, an Android app that can check the package goes
	// to the scheme; iOS goes to the web page.
	noApplink := &PayResponse{SchemeURL: redirectTestScheme, NormalURL: redirectTestNormal, AppIdentifier: "hk.alipay.wallet"}
	assert.Equal(t, redirectTestScheme, noApplink.RedirectURL(appAndroid))
	assert.Equal(t, redirectTestNormal, noApplink.RedirectURL(appIOS))
	noApplink.AppIdentifier = ""
	assert.Equal(t, redirectTestNormal, noApplink.RedirectURL(appAndroid))

	// A scheme alone is never offered to a desktop browser.
	assert.Empty(t, (&PayResponse{SchemeURL: redirectTestScheme}).Redirects(web))
	assert.Equal(t, []Redirect{{Kind: RedirectKindScheme, URL: redirectTestScheme}}, (&PayResponse{SchemeURL: redirectTestScheme}).Redirects(wapIOS))
}

func TestRedirectEdgeCases(t *testing.T) {
	web := Env{TerminalType: TerminalTypeWeb}
	var nilResp *PayResponse
	assert.Nil(t, nilResp.Redirects(web))
	assert.Empty(t, nilResp.RedirectURL(web))
	assert.Empty(t, (&PayResponse{}).Redirects(web))

	// The same URL under two kinds is listed once, under the preferred kind.
	same := &PayResponse{NormalURL: redirectTestNormal, ApplinkURL: redirectTestNormal}
	assert.Equal(t, []Redirect{{Kind: RedirectKindNormal, URL: redirectTestNormal}}, same.Redirects(web))
	assert.Equal(t, []Redirect{{Kind: RedirectKindApplink, URL: redirectTestNormal}}, same.Redirects(Env{TerminalType: TerminalTypeApp, OSType: OSTypeIOS}))

	// Only a TEXT (or untyped) code detail is a code value; images are not.
	images := &PayResponse{OrderCodeForm: &OrderCodeForm{CodeDetails: []CodeDetail{{CodeValue: "https://x/qr.png", DisplayType: DisplayTypeImage}}}}
	assert.Empty(t, images.Redirects(web))
	untyped := &PayResponse{OrderCodeForm: &OrderCodeForm{CodeDetails: []CodeDetail{{CodeValue: "000201010212"}}}}
	assert.Equal(t, []Redirect{{Kind: RedirectKindCodeValue, URL: "000201010212"}}, untyped.Redirects(web))

	// A GET redirectActionForm is the last resort; a POST form is not a URL.
	get := &PayResponse{RedirectActionForm: &RedirectActionForm{Method: "get", RedirectURL: "https://3ds.example/challenge"}, NormalURL: redirectTestNormal}
	assert.Equal(t, []Redirect{{Kind: RedirectKindNormal, URL: redirectTestNormal}, {Kind: RedirectKindActionForm, URL: "https://3ds.example/challenge"}},
		get.Redirects(Env{TerminalType: TerminalTypeWAP, OSType: OSTypeAndroid}))
	post := &PayResponse{RedirectActionForm: &RedirectActionForm{Method: "POST", RedirectURL: "https://3ds.example/challenge", Parameters: "a=1"}}
	assert.Empty(t, post.Redirects(web))
}
