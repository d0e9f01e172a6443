package alipay

import (
	"encoding/json"
	"testing"
)

// BenchmarkInquiryPaymentDecode compares decoding a verified inquiryPayment
// answer into InquiryPaymentResponse with decodeJSON (times through the
// package's time reader when time.Time's own decoding refuses them) with
// its raw cost: encoding/json into the same fields, which refuses Antom's
// "+0800" and "" times.
func BenchmarkInquiryPaymentDecode(b *testing.B) {
	body := []byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentStatus":"SUCCESS","paymentRequestId":"paymentRequestId01","paymentId":"2019060811401080010018882020035XXXX","paymentAmount":{"value":"100","currency":"HKD"},"paymentCreateTime":"2019-06-01T12:01:01+08:30","paymentTime":"2019-06-01T12:01:01+08:30","transactions":null}`)
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var r InquiryPaymentResponse
			if err := decodeJSON(body, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var r InquiryPaymentResponse
			if err := json.Unmarshal(body, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	plus0800 := []byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentStatus":"SUCCESS","paymentRequestId":"paymentRequestId01","paymentId":"2019060811401080010018882020035XXXX","paymentAmount":{"value":"100","currency":"HKD"},"paymentCreateTime":"2019-06-01T12:01:01+0830","paymentTime":"","transactions":null}`)
	b.Run("typed-other-forms", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var r InquiryPaymentResponse
			if err := decodeJSON(plus0800, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
