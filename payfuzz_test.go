package alipay

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzPaymentActionForm: any paymentActionForm value either fails to decode
// with an error or decodes to a form that survives a round trip through
// Antom's string form.
func FuzzPaymentActionForm(f *testing.F) {
	for _, seed := range []string{
		`"{\"method\":\"GET\",\"paymentActionFormType\":\"RedirectActionForm\",\"redirectUrl\":\"https://x\"}"`,
		`{"method":"POST","parameters":"a=1"}`,
		`null`, `""`, `"x"`, `"{"`, `42`, `[]`, `"{\"method\":1}"`, `"\"{}\""`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var form PaymentActionForm
		if err := json.Unmarshal([]byte(in), &form); err != nil {
			return
		}
		b, err := json.Marshal(form)
		require.NoError(t, err)
		var back PaymentActionForm
		require.NoError(t, json.Unmarshal(b, &back))
		require.Equal(t, form, back)
	})
}

// FuzzPayResponse: any body either fails to decode or decodes to a response
// whose redirects can be listed for every device without panicking, each
// target non-empty.
func FuzzPayResponse(f *testing.F) {
	f.Add(`{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U"},"normalUrl":"https://a","applinkUrl":"https://b","schemeUrl":"x://c","appIdentifier":"hk.alipay.wallet"}`)
	f.Add(`{"orderCodeForm":{"codeDetails":[{"codeValue":"v","displayType":"TEXT"},{}],"expireTime":"2024-01-15T01:34:45-08:00"},"redirectActionForm":{"method":"GET","redirectUrl":"https://d"}}`)
	f.Add(`{"paymentActionForm":"{\"method\":\"GET\"}","paymentCreateTime":"2019-06-01T12:01:01+08:30"}`)
	f.Add(`{"orderCodeForm":null,"redirectActionForm":null}`)
	envs := []Env{{}}
	for _, tt := range []TerminalType{TerminalTypeWeb, TerminalTypeWAP, TerminalTypeApp, TerminalTypeMiniApp, "X"} {
		for _, os := range []OSType{OSTypeIOS, OSTypeAndroid, ""} {
			envs = append(envs, Env{TerminalType: tt, OSType: os})
		}
	}
	f.Fuzz(func(t *testing.T, body string) {
		var r PayResponse
		if json.Unmarshal([]byte(body), &r) != nil {
			return
		}
		for _, env := range envs {
			rs := r.Redirects(env)
			for _, rd := range rs {
				require.NotEmpty(t, rd.URL)
			}
			if len(rs) > 0 {
				require.Equal(t, rs[0].URL, r.RedirectURL(env))
			}
		}
	})
}
