package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(&out))
	want := `batch B20261121: 4 lines, net 34.13 USD
7 discrepancies
AMOUNT_MISMATCH transaction details line 3 record 1 transaction 202611200002: the report says 12.50 USD, the record 12.00 USD
STATUS_MISMATCH transaction details line 4 record 2 transaction 202611200003: the report lists it, the record says FAIL
REFUND_NOT_RECORDED transaction details line 5 record 0 transaction 202611200004: refund of 10.00 USD against recorded payment 202611200001 is not in the records
AMOUNT_MISMATCH settlement details line 3 record 1 transaction 202611200002 batch B20261121: the report says 12.50 USD, the record 12.00 USD
STATUS_MISMATCH settlement details line 4 record 2 transaction 202611200003 batch B20261121: the report lists it, the record says FAIL
REFUND_NOT_RECORDED settlement details line 5 record 0 transaction 202611200004 batch B20261121: refund of 10.00 USD against recorded payment 202611200001 is not in the records
NOT_IN_REPORT record 3 transaction 202611200009: payment of 40.00 USD is in no report
`
	assert.Equal(t, want, out.String())
}
