package mapi

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// BenchmarkVerifyNotification compares verifying a whole notification
// (form parse, pre-sign string, RSA) with the bare RSA-SHA1 verification
// inside it.
func BenchmarkVerifyNotification(b *testing.B) {
	c := testKeysClient(b)
	fields := tradeFields()
	sig, _ := c.keys.sign(SignTypeRSA, PreSignString(fields))
	v := url.Values{}
	for k, s := range fields {
		v.Set(k, s)
	}
	v.Set("sign", sig)
	v.Set("sign_type", "RSA")
	body := []byte(v.Encode())
	if _, err := c.VerifyNotification(context.Background(), body); err != nil {
		b.Fatal(err)
	}
	b.Run("notification", func(b *testing.B) {
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if _, err := c.VerifyNotification(context.Background(), body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-rsa-sha1", func(b *testing.B) {
		content := []byte(PreSignString(fields))
		raw, _ := base64.StdEncoding.DecodeString(sig)
		for range b.N {
			d := sha1.Sum(content)
			if err := rsa.VerifyPKCS1v15(c.keys.alipayRSA[0], crypto.SHA1, d[:], raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFPTradeReader compares the typed reader with encoding/csv
// (ReuseRecord) over the same generated file.
func BenchmarkFPTradeReader(b *testing.B) {
	var file bytes.Buffer
	file.WriteString("Partner_transaction_id,amount,Rmb_amount,fee,settlement,Rmb_settlement,currency,rate,Payment_time,Settlement_time,type,status,remarks,Original_partner_transaction_ID\n")
	for i := range 10000 {
		fmt.Fprintf(&file, "\tORDER-%d,10.00,71.23,0.10,9.90,70.52,USD,7.1234,2026-11-21 15:00:00,,P,P,coffee,\n", i)
	}
	data := file.Bytes()
	readAll := func(b *testing.B, data []byte) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for range b.N {
			fr := NewFPTradeReader(bytes.NewReader(data))
			for {
				_, err := fr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("fptrade", func(b *testing.B) { readAll(b, data) })
	b.Run("fptrade-gbk", func(b *testing.B) {
		// Alipay's files are GBK: remarks in Chinese make every line so.
		gbkData, err := simplifiedchinese.GBK.NewEncoder().Bytes(bytes.ReplaceAll(data, []byte(",coffee,"), []byte(",咖啡,")))
		if err != nil {
			b.Fatal(err)
		}
		readAll(b, gbkData)
	})
	b.Run("raw-encoding-csv", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for range b.N {
			cr := csv.NewReader(bytes.NewReader(data))
			cr.ReuseRecord = true
			for {
				_, err := cr.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func BenchmarkPreSignString(b *testing.B) {
	fields := tradeFields()
	b.ReportAllocs()
	for range b.N {
		_ = PreSignString(fields)
	}
}
