package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	s := out.String()
	for _, want := range []string{
		`order string: _input_charset="UTF-8"&currency="USD"&forex_biz="FP"&it_b_pay="30m"`,
		`&total_fee="12.00"&trade_information="{"business_type":"4","goods_info":"Flat white^2","total_quantity":"2"}"&sign="…"&sign_type="RSA"`,
		"notification: ORDER-0001 TRADE_FINISHED 12.00 USD",
		"acknowledged true)",
		"app result: resultStatus 9000, success true, signature verified",
		"query: ORDER-0001 TRADE_FINISHED, paid ",
		"+08:00",
		"refund: outcome unknown (unsigned answer); confirming by query",
		"refund: REFUND-0001-1 SUCCESS SUCCESS",
		"  P ORDER-0001 12.00 USD",
		"  R REFUND-0001-1 -4.50 USD",
	} {
		assert.Contains(t, s, want)
	}
	t.Log("\n" + s)
}
