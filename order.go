package alipay

import (
	"encoding/json"
	"fmt"
	"time"
)

// Order describes what the buyer is paying for (pay order, docs/protocol/ams.md §2.1).
// Antom uses it for risk control and anti-money-laundering checks during the
// payment and for the buyer's records afterwards. Pay requires OrderAmount
// and OrderDescription.
type Order struct {
	// ReferenceOrderID is the merchant's order ID. Keep it the same across
	// payment attempts for one order (each attempt gets a new
	// PaymentRequestID).
	ReferenceOrderID    string    `json:"referenceOrderId,omitempty"`
	OrderDescription    string    `json:"orderDescription,omitempty"`
	OrderAmount         Amount    `json:"orderAmount"`
	OrderDiscountAmount *Amount   `json:"orderDiscountAmount,omitempty"`
	SubTotalOrderAmount *Amount   `json:"subTotalOrderAmount,omitempty"`
	Merchant            *Merchant `json:"merchant,omitempty"`
	Goods               []Goods   `json:"goods,omitempty"` // at most 100
	Shipping            *Shipping `json:"shipping,omitempty"`
	Buyer               *Buyer    `json:"buyer,omitempty"`
	Env                 *Env      `json:"env,omitempty"`
	ExtendInfo          string    `json:"extendInfo,omitempty"`
	NeedDeclaration     bool      `json:"needDeclaration,omitempty"`
	OrderType           string    `json:"orderType,omitempty"`
	// Transit, Lodging, Gaming and Declaration are industry-specific
	// objects whose shape Antom's documentation does not fix; they are sent verbatim.
	Transit     json.RawMessage `json:"transit,omitempty"`
	Lodging     json.RawMessage `json:"lodging,omitempty"`
	Gaming      json.RawMessage `json:"gaming,omitempty"`
	Declaration json.RawMessage `json:"declaration,omitempty"`
}

// Merchant identifies a secondary merchant (for acquirers and platforms).
type Merchant struct {
	ReferenceMerchantID string   `json:"referenceMerchantId,omitempty"`
	MerchantMCC         string   `json:"merchantMCC,omitempty"`
	MerchantName        string   `json:"merchantName,omitempty"`
	MerchantDisplayName string   `json:"merchantDisplayName,omitempty"`
	MerchantAddress     *Address `json:"merchantAddress,omitempty"`
	// MerchantRegisterDate is sent in ISO 8601 and left out when zero.
	MerchantRegisterDate time.Time `json:"merchantRegisterDate,omitempty"`
	Store                *Store    `json:"store,omitempty"`
	MerchantType         string    `json:"merchantType,omitempty"`
}

// MarshalJSON writes MerchantRegisterDate in Antom's ISO 8601 form and
// leaves it out when zero.
func (m Merchant) MarshalJSON() ([]byte, error) {
	type plain Merchant
	return json.Marshal(struct {
		plain
		MerchantRegisterDate string `json:"merchantRegisterDate,omitempty"`
	}{plain(m), payFormatTime(m.MerchantRegisterDate)})
}

// Store describes the merchant's store.
type Store struct {
	ReferenceStoreID string   `json:"referenceStoreId,omitempty"`
	StoreName        string   `json:"storeName,omitempty"`
	StoreMCC         string   `json:"storeMCC,omitempty"`
	StoreDisplayName string   `json:"storeDisplayName,omitempty"`
	StoreTerminalID  string   `json:"storeTerminalId,omitempty"`
	StoreOperatorID  string   `json:"storeOperatorId,omitempty"`
	StoreAddress     *Address `json:"storeAddress,omitempty"`
	StorePhoneNo     string   `json:"storePhoneNo,omitempty"`
}

// Buyer describes the buyer as the merchant knows them.
type Buyer struct {
	ReferenceBuyerID string    `json:"referenceBuyerId,omitempty"`
	BuyerName        *UserName `json:"buyerName,omitempty"`
	BuyerPhoneNo     string    `json:"buyerPhoneNo,omitempty"`
	BuyerEmail       string    `json:"buyerEmail,omitempty"`
	// BuyerRegistrationTime is sent in ISO 8601 and left out when zero.
	BuyerRegistrationTime time.Time `json:"buyerRegistrationTime,omitempty"`
	IsAccountVerified     bool      `json:"isAccountVerified,omitempty"`
	SuccessfulOrderCount  int       `json:"successfulOrderCount,omitempty"`
	// BuyerPhoneNoCountryCode carries Antom's spelling of the wire name,
	// buyerPhoneNoContryCode.
	BuyerPhoneNoCountryCode string `json:"buyerPhoneNoContryCode,omitempty"`
}

// MarshalJSON writes BuyerRegistrationTime in Antom's ISO 8601 form and
// leaves it out when zero.
func (b Buyer) MarshalJSON() ([]byte, error) {
	type plain Buyer
	return json.Marshal(struct {
		plain
		BuyerRegistrationTime string `json:"buyerRegistrationTime,omitempty"`
	}{plain(b), payFormatTime(b.BuyerRegistrationTime)})
}

// UserName is a person's name.
type UserName struct {
	FirstName  string `json:"firstName,omitempty"`
	MiddleName string `json:"middleName,omitempty"`
	LastName   string `json:"lastName,omitempty"`
	FullName   string `json:"fullName,omitempty"`
}

// Address is a postal address; Region is an ISO 3166 alpha-2 code.
type Address struct {
	Region   string `json:"region,omitempty"`
	State    string `json:"state,omitempty"`
	City     string `json:"city,omitempty"`
	Address1 string `json:"address1,omitempty"`
	Address2 string `json:"address2,omitempty"`
	Address3 string `json:"address3,omitempty"`
	ZipCode  string `json:"zipCode,omitempty"`
	Label    string `json:"label,omitempty"`
}

// Goods is one line of an order.
type Goods struct {
	ReferenceGoodsID    string             `json:"referenceGoodsId,omitempty"`
	GoodsName           string             `json:"goodsName,omitempty"`
	GoodsCategory       string             `json:"goodsCategory,omitempty"` // slash-separated path
	GoodsBrand          string             `json:"goodsBrand,omitempty"`
	GoodsUnitAmount     *Amount            `json:"goodsUnitAmount,omitempty"`
	GoodsQuantity       string             `json:"goodsQuantity,omitempty"` // a string, as Antom specifies it
	GoodsSkuName        string             `json:"goodsSkuName,omitempty"`
	GoodsURL            string             `json:"goodsUrl,omitempty"`
	DeliveryMethodType  DeliveryMethodType `json:"deliveryMethodType,omitempty"`
	GoodsImageURL       string             `json:"goodsImageUrl,omitempty"`
	PriceID             string             `json:"priceId,omitempty"`
	GoodsDiscountAmount *Amount            `json:"goodsDiscountAmount,omitempty"`
	GoodsEndsOnTime     string             `json:"goodsEndsOnTime,omitempty"`
	CrossSell           json.RawMessage    `json:"crossSell,omitempty"`
}

// Shipping describes delivery of an order.
type Shipping struct {
	ShippingName        *UserName `json:"shippingName,omitempty"`
	ShippingAddress     *Address  `json:"shippingAddress,omitempty"`
	ShippingCarrier     string    `json:"shippingCarrier,omitempty"`
	ShippingPhoneNo     string    `json:"shippingPhoneNo,omitempty"`
	ShipToEmail         string    `json:"shipToEmail,omitempty"`
	ShippingFeeID       string    `json:"shippingFeeId,omitempty"`
	ShippingFee         *Amount   `json:"shippingFee,omitempty"`
	ShippingDescription string    `json:"shippingDescription,omitempty"`
	// DeliveryEstimate's shape is not fixed by Antom's documentation; it is sent verbatim.
	DeliveryEstimate json.RawMessage `json:"deliveryEstimate,omitempty"`
	ShippingNumber   string          `json:"shippingNumber,omitempty"`
	Notes            string          `json:"notes,omitempty"`
}

// maxGoods is the most order lines Antom accepts.
const maxGoods = 100

// validate checks the order of a pay request; field is its JSON path.
func (o *Order) validate(field string) error {
	if err := payFirst(
		payMaxLen(field+".referenceOrderId", o.ReferenceOrderID, 64),
		payRequiredMax(field+".orderDescription", o.OrderDescription, 256),
		o.OrderAmount.validate(field+".orderAmount"),
		payOptionalAmount(field+".orderDiscountAmount", o.OrderDiscountAmount),
		payOptionalAmount(field+".subTotalOrderAmount", o.SubTotalOrderAmount),
	); err != nil {
		return err
	}
	if len(o.Goods) > maxGoods {
		return &ValidationError{Field: field + ".goods", Reason: fmt.Sprintf("has %d items; at most %d are allowed", len(o.Goods), maxGoods)}
	}
	for i := range o.Goods {
		g := &o.Goods[i]
		p := fmt.Sprintf("%s.goods[%d]", field, i)
		if err := payFirst(
			payMaxLen(p+".referenceGoodsId", g.ReferenceGoodsID, 64),
			payMaxLen(p+".goodsName", g.GoodsName, 256),
			payMaxLen(p+".goodsUrl", g.GoodsURL, 2048),
			payOptionalAmount(p+".goodsUnitAmount", g.GoodsUnitAmount),
		); err != nil {
			return err
		}
	}
	if b := o.Buyer; b != nil {
		if err := payFirst(
			payMaxLen(field+".buyer.referenceBuyerId", b.ReferenceBuyerID, 64),
			payMaxLen(field+".buyer.buyerEmail", b.BuyerEmail, 64),
			payMaxLen(field+".buyer.buyerPhoneNo", b.BuyerPhoneNo, 24),
		); err != nil {
			return err
		}
	}
	// order.env is optional (the request's env is the one Pay requires);
	// when it names a terminal it must be a consistent one.
	if o.Env != nil && o.Env.TerminalType != "" {
		return o.Env.validate(field + ".env")
	}
	return nil
}
