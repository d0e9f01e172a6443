package alipaytest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Checkout Page sessions (createPaymentSession).
//
// Antom documents the request and the flow
// (https://docs.antom.com/ac/ams/session_cashier,
// https://docs.antom.com/ac/cashierpay/HOSTEDCKP) but not the API's result
// codes nor what a repeated request does. Where the sources are silent the
// fake makes these choices, which tests may rely on:
//
//   - A session is a payment from the start: createPaymentSession creates
//     the payment (paymentId, status PROCESSING, no payment method yet), so
//     inquiryPayment answers PROCESSING before the buyer has chosen, and
//     cancel works on it. Once the buyer pays or declines on the page it
//     is a payment like any made by pay: the same state machine,
//     notifications, resend schedule, inquiry, refunds and reports.
//   - The payment closes (FAIL, ORDER_IS_CLOSED, with a notification) at
//     paymentSessionExpiryTime, or at paymentExpiryTime if that is earlier.
//     The session defaults to one hour; a paymentSessionExpiryTime that is
//     not within the hour after creation is PARAM_ILLEGAL.
//   - One payment per session: a declined payment is FAIL (PROCESS_FAIL)
//     and the page no longer takes payment; the merchant creates a new
//     session under a new paymentRequestId.
//   - A repeated createPaymentSession with the same paymentRequestId and
//     paymentAmount gets the same session while its payment is open or
//     paid, ORDER_IS_CLOSED once it failed or expired, ORDER_IS_CANCELED
//     once cancelled; a different amount or productScene, or a
//     paymentRequestId already used by pay, is REPEAT_REQ_INCONSISTENT.
//   - The required fields are those of the createPaymentSession page:
//     productCode, paymentRequestId, order (referenceOrderId,
//     orderDescription), paymentAmount, settlementStrategy
//     (settlementCurrency) and paymentRedirectUrl. Failures are
//     PARAM_ILLEGAL naming the field; a method the fake does not offer is
//     PARAM_ILLEGAL too, and a session left with no method (none takes the
//     currency, terminal type or regions) is NO_PAY_OPTIONS.
//   - The page offers the catalogue's methods that take the currency and
//     the env.terminalType (WEB when env is absent), narrowed by
//     paymentMethod.paymentMethodType, availablePaymentMethod and
//     allowedPaymentMethodRegions, ordered by paymentMethodOrder (unranked
//     methods last, in the order given). paymentMethodOrder and
//     expressCheckout are accepted as JSON numbers and booleans or as
//     strings, since Antom's pages ask for strings and its SDKs send
//     native types.
//   - normalUrl (the hosted page) is returned for productScene
//     CHECKOUT_PAYMENT only; paymentSessionData and paymentSessionId
//     always. Payment Element sessions have no page here: act as the
//     buyer with CompletePayment or FailPayment, which pay with the first
//     method the session offers.

// MaxSessionExpiry is the longest a Checkout Page session may stay open, and
// its length when the request sets no paymentSessionExpiryTime.
const MaxSessionExpiry = time.Hour

type session struct {
	id         string // paymentSessionId
	scene      string
	methods    []method // offered, in page order
	payment    *payment
	expiryTime time.Time
	locale     string
	answer     sessionResponse
}

type sessionRequest struct {
	ProductCode      string      `json:"productCode"`
	ProductScene     string      `json:"productScene"`
	PaymentRequestID string      `json:"paymentRequestId"`
	PaymentAmount    *wireAmount `json:"paymentAmount"`
	Order            *struct {
		ReferenceOrderID string `json:"referenceOrderId"`
		OrderDescription string `json:"orderDescription"`
	} `json:"order"`
	SettlementStrategy *struct {
		SettlementCurrency string `json:"settlementCurrency"`
	} `json:"settlementStrategy"`
	PaymentRedirectURL       string   `json:"paymentRedirectUrl"`
	PaymentNotifyURL         string   `json:"paymentNotifyUrl"`
	PaymentSessionExpiryTime string   `json:"paymentSessionExpiryTime"`
	PaymentExpiryTime        string   `json:"paymentExpiryTime"`
	Env                      *wireEnv `json:"env"`
	PaymentMethod            *struct {
		PaymentMethodType string `json:"paymentMethodType"`
	} `json:"paymentMethod"`
	AllowedPaymentMethodRegions []string `json:"allowedPaymentMethodRegions"`
	AvailablePaymentMethod      *struct {
		PaymentMethodTypeList []struct {
			PaymentMethodType  string   `json:"paymentMethodType"`
			PaymentMethodOrder *flexInt `json:"paymentMethodOrder"`
			ExpressCheckout    flexBool `json:"expressCheckout"`
		} `json:"paymentMethodTypeList"`
	} `json:"availablePaymentMethod"`
	Locale string `json:"locale"`
}

type sessionResponse struct {
	Result                   wireResult `json:"result"`
	PaymentSessionData       string     `json:"paymentSessionData"`
	PaymentSessionExpiryTime string     `json:"paymentSessionExpiryTime"`
	PaymentSessionID         string     `json:"paymentSessionId"`
	NormalURL                string     `json:"normalUrl,omitempty"`
}

// flexInt accepts 3 and "3".
type flexInt int

func (n *flexInt) UnmarshalJSON(data []byte) error {
	s := string(bytes.Trim(bytes.TrimSpace(data), `"`))
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not an integer")
	}
	*n = flexInt(v)
	return nil
}

// createPaymentSession creates a session and its payment; see the choices
// listed at the top of this file.
func (s *Server) createPaymentSession(body []byte) (any, *apiError) {
	var req sessionRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	if e := checkProductCode(req.ProductCode); e != nil {
		return nil, e
	}
	switch req.ProductScene {
	case "", "CHECKOUT_PAYMENT", "ELEMENT_PAYMENT":
	default:
		return nil, paramIllegal("productScene", fmt.Sprintf("%q is not CHECKOUT_PAYMENT or ELEMENT_PAYMENT", truncate(req.ProductScene, 32)))
	}
	if e := checkRequestID("paymentRequestId", req.PaymentRequestID); e != nil {
		return nil, e
	}
	switch {
	case req.Order == nil:
		return nil, paramIllegal("order", "is required")
	case req.Order.ReferenceOrderID == "":
		return nil, paramIllegal("order.referenceOrderId", "is required")
	case req.Order.OrderDescription == "":
		return nil, paramIllegal("order.orderDescription", "is required")
	}
	value, e := checkAmount("paymentAmount", req.PaymentAmount)
	if e != nil {
		return nil, e
	}
	if req.SettlementStrategy == nil || req.SettlementStrategy.SettlementCurrency == "" {
		return nil, paramIllegal("settlementStrategy.settlementCurrency", "is required")
	}
	if e := checkURL("paymentRedirectUrl", req.PaymentRedirectURL, true, true); e != nil {
		return nil, e
	}
	if e := checkNotifyURL("paymentNotifyUrl", req.PaymentNotifyURL); e != nil {
		return nil, e
	}
	terminal := "WEB"
	if req.Env != nil {
		if e := checkEnv(req.Env); e != nil {
			return nil, e
		}
		terminal = req.Env.TerminalType
	}
	if len(req.Locale) > 8 {
		return nil, paramIllegal("locale", "is longer than 8 characters")
	}
	offered, e := sessionMethods(&req, terminal)
	if e != nil {
		return nil, e
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	if p := s.payments[req.PaymentRequestID]; p != nil {
		return repeatSessionLocked(p, &req)
	}
	if len(offered) == 0 {
		return nil, fail("NO_PAY_OPTIONS", "No payment method takes %s on %s with the given availablePaymentMethod and allowedPaymentMethodRegions.", req.PaymentAmount.Currency, terminal)
	}
	expiry := now.Add(MaxSessionExpiry)
	if req.PaymentSessionExpiryTime != "" {
		t, err := time.Parse(time.RFC3339, req.PaymentSessionExpiryTime)
		switch {
		case err != nil:
			return nil, paramIllegal("paymentSessionExpiryTime", "is not an ISO 8601 date-time with offset, such as 2026-01-02T15:04:05+08:00")
		case !t.After(now), t.After(now.Add(MaxSessionExpiry)):
			return nil, paramIllegal("paymentSessionExpiryTime", "must be within one hour after the session is created")
		}
		expiry = t.In(s.loc)
	}
	closeAt := expiry
	if req.PaymentExpiryTime != "" {
		t, err := time.Parse(time.RFC3339, req.PaymentExpiryTime)
		if err != nil {
			return nil, paramIllegal("paymentExpiryTime", "is not an ISO 8601 date-time with offset, such as 2026-01-02T15:04:05+08:00")
		}
		if !t.After(now) {
			return nil, paramIllegal("paymentExpiryTime", "is not in the future")
		}
		if t.Before(closeAt) {
			closeAt = t.In(s.loc)
		}
	}
	notifyURL := req.PaymentNotifyURL
	if notifyURL == "" {
		notifyURL = s.opts.notifyURL
	}
	ss := &session{
		id:         randomToken(24),
		scene:      req.ProductScene,
		methods:    offered,
		expiryTime: expiry,
		locale:     req.Locale,
	}
	p := &payment{
		requestID:    req.PaymentRequestID,
		id:           s.nextIDLocked("01"),
		amount:       *req.PaymentAmount,
		value:        value,
		terminalType: terminal,
		orderID:      req.Order.ReferenceOrderID,
		description:  req.Order.OrderDescription,
		redirectURL:  req.PaymentRedirectURL,
		notifyURL:    notifyURL,
		status:       StatusProcessing,
		createTime:   now,
		expiryTime:   closeAt,
		session:      ss,
	}
	if req.Env != nil {
		p.osType = req.Env.OSType
	}
	ss.payment = p
	ss.answer = sessionResponse{
		Result:                   resultSuccess,
		PaymentSessionData:       base64.StdEncoding.EncodeToString([]byte(ss.id+"&&"+p.id)) + "&&alipaytest",
		PaymentSessionExpiryTime: isoTime(expiry),
		PaymentSessionID:         ss.id,
	}
	if req.ProductScene == "CHECKOUT_PAYMENT" {
		ss.answer.NormalURL = s.linkBase() + "/checkout/" + url.PathEscape(ss.id)
	}
	if s.sessions == nil {
		s.sessions = map[string]*session{}
	}
	s.sessions[ss.id] = ss
	s.payments[p.requestID] = p
	s.paymentsByID[p.id] = p
	s.kick() // the dispatcher watches expiry times
	return ss.answer, nil
}

func repeatSessionLocked(p *payment, req *sessionRequest) (any, *apiError) {
	if p.session == nil {
		return nil, fail("REPEAT_REQ_INCONSISTENT", "paymentRequestId %s was used before by pay.", p.requestID)
	}
	if p.amount != *req.PaymentAmount || p.session.scene != req.ProductScene {
		return nil, fail("REPEAT_REQ_INCONSISTENT", "paymentRequestId %s was used before with a different paymentAmount or productScene.", p.requestID)
	}
	switch p.status {
	case StatusCancelled:
		return nil, fail("ORDER_IS_CANCELED", "The payment with paymentRequestId %s was cancelled; use a new paymentRequestId.", p.requestID)
	case StatusFail:
		return nil, fail("ORDER_IS_CLOSED", "The payment with paymentRequestId %s is closed (%s); use a new paymentRequestId.", p.requestID, p.resultCode)
	}
	return p.session.answer, nil
}

// sessionMethods lists the methods a session offers, in page order.
func sessionMethods(req *sessionRequest, terminal string) ([]method, *apiError) {
	type ranked struct {
		m     method
		rank  int
		index int
	}
	var list []ranked
	add := func(m method, rank, index int) {
		if m.supportsCurrency(req.PaymentAmount.Currency) && m.supportsTerminal(terminal) && sessionRegionOK(m, req.AllowedPaymentMethodRegions) {
			list = append(list, ranked{m, rank, index})
		}
	}
	switch {
	case req.PaymentMethod != nil && req.PaymentMethod.PaymentMethodType != "":
		m, ok := findMethod(req.PaymentMethod.PaymentMethodType)
		if !ok {
			return nil, notOffered("paymentMethod.paymentMethodType", req.PaymentMethod.PaymentMethodType)
		}
		add(m, 0, 0)
	case req.AvailablePaymentMethod != nil && len(req.AvailablePaymentMethod.PaymentMethodTypeList) > 0:
		for i, item := range req.AvailablePaymentMethod.PaymentMethodTypeList {
			field := fmt.Sprintf("availablePaymentMethod.paymentMethodTypeList[%d]", i)
			m, ok := findMethod(item.PaymentMethodType)
			if !ok {
				return nil, notOffered(field+".paymentMethodType", item.PaymentMethodType)
			}
			rank := int(^uint(0) >> 1) // unranked: last
			if o := item.PaymentMethodOrder; o != nil {
				if *o < 0 {
					return nil, paramIllegal(field+".paymentMethodOrder", "is negative")
				}
				rank = int(*o)
			}
			if !slices.ContainsFunc(list, func(r ranked) bool { return r.m.typ == m.typ }) {
				add(m, rank, i)
			}
		}
	default:
		for i, m := range methods {
			add(m, 0, i)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].rank < list[j].rank })
	out := make([]method, len(list))
	for i, r := range list {
		out[i] = r.m
	}
	return out, nil
}

// sessionRegionOK applies allowedPaymentMethodRegions: a method qualifies
// when one of its regions is listed (GLOBAL for cards).
func sessionRegionOK(m method, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	for _, r := range m.regions {
		if slices.Contains(allowed, r) {
			return true
		}
	}
	return false
}

func notOffered(field, typ string) *apiError {
	return paramIllegal(field, fmt.Sprintf("%q is not offered; use one of %s", truncate(typ, 32), strings.Join(methodNames(), ", ")))
}

// randomToken returns n random bytes in hex: session IDs must not be
// guessable, since the hosted page takes payment by ID alone.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("alipaytest: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}
