package alipay_test

import (
	"errors"
	"fmt"

	"github.com/xborderpay/alipay"
)

func ExampleNewAmount() {
	a, err := alipay.NewAmount("10.25", "USD")
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Currency, a.Value)

	yen, _ := alipay.NewAmount("500", "JPY")
	d, _ := yen.Decimal()
	fmt.Println(yen.Value, d)

	_, err = alipay.NewAmount("10.255", "USD")
	fmt.Println(errors.Is(err, alipay.ErrExcessPrecision))
	// Output:
	// USD 1025
	// 500 500
	// true
}
