package alipaytest

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/xborderpay/alipay/internal/httpx"
)

type codeDetail struct {
	CodeValueType string `json:"codeValueType"`
	CodeValue     string `json:"codeValue"`
	DisplayType   string `json:"displayType"`
}

type orderCodeForm struct {
	PaymentMethodType string       `json:"paymentMethodType"`
	ExpireTime        string       `json:"expireTime"`
	CodeDetails       []codeDetail `json:"codeDetails"`
}

type redirectActionForm struct {
	Method      string `json:"method"`
	RedirectURL string `json:"redirectUrl"`
}

type payResponse struct {
	Result             wireResult          `json:"result"`
	PaymentRequestID   string              `json:"paymentRequestId,omitempty"`
	PaymentID          string              `json:"paymentId,omitempty"`
	PaymentAmount      *wireAmount         `json:"paymentAmount,omitempty"`
	PaymentCreateTime  string              `json:"paymentCreateTime,omitempty"`
	PaymentTime        string              `json:"paymentTime,omitempty"`
	NormalURL          string              `json:"normalUrl,omitempty"`
	ApplinkURL         string              `json:"applinkUrl,omitempty"`
	SchemeURL          string              `json:"schemeUrl,omitempty"`
	AppIdentifier      string              `json:"appIdentifier,omitempty"`
	OrderCodeForm      *orderCodeForm      `json:"orderCodeForm,omitempty"`
	RedirectActionForm *redirectActionForm `json:"redirectActionForm,omitempty"`
}

// pay creates a payment in PROCESSING and answers U PAYMENT_IN_PROCESS with
// the URLs for the terminal type (docs/protocol/ams.md §2.3, §5). A repeat with the same
// paymentRequestId and key fields gets the same answer while the payment
// waits, S SUCCESS once paid, and ORDER_IS_CLOSED or ORDER_IS_CANCELED once
// closed; different key fields get REPEAT_REQ_INCONSISTENT (docs/protocol/ams.md §3.4).
func (s *Server) pay(body []byte) (any, *apiError) {
	var req payRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	if e := checkProductCode(req.ProductCode); e != nil {
		return nil, e
	}
	if e := checkRequestID("paymentRequestId", req.PaymentRequestID); e != nil {
		return nil, e
	}
	value, e := checkAmount("paymentAmount", req.PaymentAmount)
	if e != nil {
		return nil, e
	}
	if req.Order == nil {
		return nil, paramIllegal("order", "is required")
	}
	if req.PaymentMethod == nil || req.PaymentMethod.PaymentMethodType == "" {
		return nil, paramIllegal("paymentMethod.paymentMethodType", "is required")
	}
	if e := checkURL("paymentRedirectUrl", req.PaymentRedirectURL, true, true); e != nil {
		return nil, e
	}
	if e := checkNotifyURL("paymentNotifyUrl", req.PaymentNotifyURL); e != nil {
		return nil, e
	}
	if e := checkEnv(req.Env); e != nil {
		return nil, e
	}
	if req.Env.TerminalType == "MINI_APP" && req.AppID == "" {
		return nil, paramIllegal("appId", "is required when env.terminalType is MINI_APP")
	}
	m, ok := findMethod(req.PaymentMethod.PaymentMethodType)
	if !ok {
		return nil, paramIllegal("paymentMethod.paymentMethodType", fmt.Sprintf("%q is not offered; use one of %s", truncate(req.PaymentMethod.PaymentMethodType, 32), strings.Join(methodNames(), ", ")))
	}
	var extra string
	if m.extra != nil {
		v, e := m.extra.fromPay(req.PaymentMethod.PaymentMethodMetaData)
		if e != nil {
			return nil, e
		}
		extra = v
	}
	manual := false
	if f := req.PaymentFactor; f != nil {
		switch f.CaptureMode {
		case "", "AUTOMATIC":
		case "MANUAL":
			manual = true
		default:
			return nil, paramIllegal("paymentFactor.captureMode", "must be AUTOMATIC or MANUAL")
		}
		manual = manual || bool(f.IsAuthorization)
		if manual && m.typ != "CARD" {
			return nil, paramIllegal("paymentFactor.captureMode", "MANUAL (authorization) is only for paymentMethodType CARD")
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)

	if p := s.payments[req.PaymentRequestID]; p != nil {
		return s.repeatPayLocked(p, &req)
	}
	if !m.supportsCurrency(req.PaymentAmount.Currency) {
		return nil, fail("CURRENCY_NOT_SUPPORT", "%s does not accept %s.", m.typ, req.PaymentAmount.Currency)
	}
	if !m.supportsTerminal(req.Env.TerminalType) {
		return nil, fail("NO_PAY_OPTIONS", "%s is not available for terminalType %s.", m.typ, req.Env.TerminalType)
	}
	expiry := now.Add(DefaultPaymentExpiry)
	if req.PaymentExpiryTime != "" {
		t, err := time.Parse(time.RFC3339, req.PaymentExpiryTime)
		if err != nil {
			return nil, paramIllegal("paymentExpiryTime", "is not an ISO 8601 date-time with offset, such as 2026-01-02T15:04:05+08:00")
		}
		if !t.After(now) {
			return nil, paramIllegal("paymentExpiryTime", "is not in the future")
		}
		expiry = t.In(s.loc)
	}
	notifyURL := req.PaymentNotifyURL
	if notifyURL == "" {
		notifyURL = s.opts.notifyURL
	}
	p := &payment{
		requestID:     req.PaymentRequestID,
		id:            s.nextIDLocked("01"),
		amount:        *req.PaymentAmount,
		value:         value,
		methodType:    m.typ,
		methodID:      req.PaymentMethod.PaymentMethodID,
		terminalType:  req.Env.TerminalType,
		osType:        req.Env.OSType,
		orderID:       req.Order.ReferenceOrderID,
		description:   req.Order.OrderDescription,
		redirectURL:   req.PaymentRedirectURL,
		notifyURL:     notifyURL,
		metadata:      req.Metadata,
		manualCapture: manual,
		status:        StatusProcessing,
		createTime:    now,
		expiryTime:    expiry,
		extra:         extra,
		extraFromPay:  extra != "",
	}
	p.payResponse = s.payAnswer(p, m)
	s.payments[p.requestID] = p
	s.paymentsByID[p.id] = p
	s.kick() // the dispatcher watches expiry times
	return p.payResponse, nil
}

func (s *Server) repeatPayLocked(p *payment, req *payRequest) (any, *apiError) {
	if p.session != nil {
		return nil, fail("REPEAT_REQ_INCONSISTENT", "paymentRequestId %s was used before by createPaymentSession.", p.requestID)
	}
	if p.amount != *req.PaymentAmount || p.methodType != req.PaymentMethod.PaymentMethodType || p.methodID != req.PaymentMethod.PaymentMethodID {
		return nil, fail("REPEAT_REQ_INCONSISTENT", "paymentRequestId %s was used before with a different paymentAmount or paymentMethod.", p.requestID)
	}
	switch p.status {
	case StatusSuccess:
		r := payResponse{
			Result:            resultSuccess,
			PaymentRequestID:  p.requestID,
			PaymentID:         p.id,
			PaymentAmount:     &p.amount,
			PaymentCreateTime: isoTime(p.createTime),
			PaymentTime:       isoTime(p.paymentTime),
		}
		return r, nil
	case StatusCancelled:
		return nil, fail("ORDER_IS_CANCELED", "The payment with paymentRequestId %s was cancelled; use a new paymentRequestId.", p.requestID)
	case StatusFail:
		return nil, fail("ORDER_IS_CLOSED", "The payment with paymentRequestId %s is closed (%s); use a new paymentRequestId.", p.requestID, p.resultCode)
	}
	return p.payResponse, nil
}

// payAnswer builds the PAYMENT_IN_PROCESS answer. WEB gets normalUrl, a
// GET redirectActionForm and, for wallets, an orderCodeForm; WAP gets
// normalUrl and applinkUrl; APP gets applinkUrl, schemeUrl and normalUrl;
// wallets add appIdentifier (the Android package) for WAP and APP, except on iOS (docs/protocol/ams.md §2.3, §5.1).
func (s *Server) payAnswer(p *payment, m method) payResponse {
	cashier := s.linkBase() + "/cashier/" + url.PathEscape(p.id)
	r := payResponse{
		Result:            wireResult{ResultCode: "PAYMENT_IN_PROCESS", ResultStatus: "U", ResultMessage: "payment in process"},
		PaymentRequestID:  p.requestID,
		PaymentID:         p.id,
		PaymentAmount:     &p.amount,
		PaymentCreateTime: isoTime(p.createTime),
		NormalURL:         cashier,
	}
	applink := s.linkBase() + "/applink/" + url.PathEscape(p.id)
	switch p.terminalType {
	case "WEB":
		r.RedirectActionForm = &redirectActionForm{Method: "GET", RedirectURL: cashier}
		if m.isWallet() {
			r.OrderCodeForm = &orderCodeForm{
				PaymentMethodType: m.typ,
				ExpireTime:        isoTime(p.expiryTime),
				CodeDetails:       []codeDetail{{CodeValueType: "QRCODE", CodeValue: cashier, DisplayType: "TEXT"}},
			}
		}
	case "WAP":
		if m.isWallet() {
			r.ApplinkURL = applink
			r.AppIdentifier = androidPackage(p, m)
		}
	case "APP":
		if m.isWallet() {
			r.ApplinkURL = applink
			r.SchemeURL = "alipaytest://pay?paymentId=" + url.QueryEscape(p.id)
			r.AppIdentifier = androidPackage(p, m)
		}
	}
	return r
}

// androidPackage is appIdentifier: the wallet's Android package name,
// which means nothing on iOS, so the fake leaves it out there.
func androidPackage(p *payment, m method) string {
	if p.osType == "IOS" {
		return ""
	}
	return m.appID
}

// checkURL checks an absolute URL field. Custom schemes are allowed where
// Antom allows them (paymentRedirectUrl may be "myapp://").
func checkURL(field, v string, required, anyScheme bool) *apiError {
	if v == "" {
		if required {
			return paramIllegal(field, "is required")
		}
		return nil
	}
	if len(v) > 2048 {
		return paramIllegal(field, "is longer than 2048 characters")
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" {
		return paramIllegal(field, "is not an absolute URL")
	}
	if !anyScheme && u.Scheme != "http" && u.Scheme != "https" {
		return paramIllegal(field, "must be an http or https URL")
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return paramIllegal(field, "has no host")
	}
	return nil
}

// checkNotifyURL checks an optional notify URL as package alipay does
// before sending: https, since Antom's guide asks for an HTTPS
// paymentNotifyUrl; plain http only for a loopback host, so that tests can
// receive notifications on an httptest server.
func checkNotifyURL(field, v string) *apiError {
	if e := checkURL(field, v, false, false); e != nil || v == "" {
		return e
	}
	u, _ := url.Parse(v) // checkURL parsed it
	if u.Scheme != "https" && !httpx.IsLoopbackHost(u.Hostname()) {
		return paramIllegal(field, "must be an https URL (plain http only for a loopback host)")
	}
	return nil
}
