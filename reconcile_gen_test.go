package alipay

import (
	"io"
	"strconv"
)

// reportGenerator is an io.Reader that produces a settlement details
// report line by line, so tests can stream any size without holding it.
type reportGenerator struct {
	target int64 // stop adding rows once this many bytes were produced
	n      int64 // bytes produced so far
	rows   int   // rows produced so far
	buf    []byte
	off    int
	done   bool
}

func newReportGenerator(size int64) *reportGenerator {
	g := &reportGenerator{target: size}
	g.buf = append(g.buf, "settlementBatchId,customerId,PSP,transactionId,originalTransactionId,transactionRequestId,"+
		"transactionType,paymentMethodType,transactionTime,transactionAmountValue,transactionCurrency,"+
		"settlementAmountValue,settlementCurrency,processingFeeAmountValue,processingFeeCurrency,"+
		"orderDescription,settlementInitiatedDate\n"...)
	return g
}

func (g *reportGenerator) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		if g.done {
			return 0, io.EOF
		}
		g.buf, g.off = g.buf[:0], 0
		for len(g.buf) < 32<<10 && !g.done {
			if g.n >= g.target {
				g.buf = append(g.buf, "<END>\n"...)
				g.done = true
				break
			}
			before := len(g.buf)
			g.buf = g.appendRow(g.buf)
			g.n += int64(len(g.buf) - before)
		}
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

func (g *reportGenerator) appendRow(b []byte) []byte {
	i := int64(g.rows)
	g.rows++
	b = append(b, "B2026112100"...)
	b = strconv.AppendInt(b, i/100000, 10)
	b = append(b, ",1022188000000000001,Antom,2026112011401080010018"...)
	b = strconv.AppendInt(b, 10000000000+i, 10)
	b = append(b, ",,pay-"...)
	b = strconv.AppendInt(b, i, 10)
	b = append(b, ",PAYMENT,ALIPAY_HK,2026-11-20T10:30:00+08:00,"...)
	b = strconv.AppendInt(b, 1+i%100000, 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, 10+i%90, 10)
	b = append(b, ",USD,"...)
	b = strconv.AppendInt(b, 1+i%100000, 10)
	b = append(b, ".00,USD,-0."...)
	b = strconv.AppendInt(b, 10+i%90, 10)
	b = append(b, ",USD,"...)
	if i%10 == 0 {
		b = append(b, `"Order, with ""quotes"""`...)
	} else {
		b = append(b, "Order "...)
		b = strconv.AppendInt(b, i, 10)
	}
	b = append(b, ",2026-11-21\n"...)
	return b
}
