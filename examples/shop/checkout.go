package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/xborderpay/alipay"
)

// Device is the buyer's kind of client, which decides what consult offers
// and where pay sends the buyer.
type Device string

// Devices the shop's pages and API accept.
const (
	DeviceWeb        Device = "WEB"
	DeviceWapIOS     Device = "WAP_IOS"
	DeviceWapAndroid Device = "WAP_ANDROID"
	DeviceAppIOS     Device = "APP_IOS"
	DeviceAppAndroid Device = "APP_ANDROID"
)

// Env is the Antom env of the device.
func (d Device) Env() alipay.Env {
	switch d {
	case DeviceWapIOS:
		return alipay.Env{TerminalType: alipay.TerminalTypeWAP, OSType: alipay.OSTypeIOS}
	case DeviceWapAndroid:
		return alipay.Env{TerminalType: alipay.TerminalTypeWAP, OSType: alipay.OSTypeAndroid}
	case DeviceAppIOS:
		return alipay.Env{TerminalType: alipay.TerminalTypeApp, OSType: alipay.OSTypeIOS}
	case DeviceAppAndroid:
		return alipay.Env{TerminalType: alipay.TerminalTypeApp, OSType: alipay.OSTypeAndroid}
	}
	return alipay.Env{TerminalType: alipay.TerminalTypeWeb}
}

// deviceOf picks the device from an explicit choice, else from the
// User-Agent: a phone browser is WAP, anything else WEB. Apps use the JSON
// API and say which they are.
func deviceOf(choice, userAgent string) Device {
	switch d := Device(choice); d {
	case DeviceWeb, DeviceWapIOS, DeviceWapAndroid, DeviceAppIOS, DeviceAppAndroid:
		return d
	}
	switch {
	case strings.Contains(userAgent, "iPhone"), strings.Contains(userAgent, "iPad"):
		return DeviceWapIOS
	case strings.Contains(userAgent, "Android"):
		return DeviceWapAndroid
	}
	return DeviceWeb
}

// ExtraField is information a payment method needs from the buyer, asked
// on the shop's own page so that the method does not ask again (step 1.4 of
// Antom's guide) and sent in paymentMethod.paymentMethodMetaData.
type ExtraField struct {
	Key     string // the paymentMethodMetaData key
	Label   string
	Kind    string   // "text", "email" or "select"
	Choices []Choice // for "select"
	check   func(string) error
}

// Choice is one option of a select field.
type Choice struct{ Value, Label string }

var blikCode = regexp.MustCompile(`^[0-9]{6}$`)

// idealBanks are the banks shown for iDEAL, by BIC (bankIdentifierCode).
var idealBanks = []Choice{
	{"ABNANL2A", "ABN AMRO"}, {"ASNBNL21", "ASN Bank"}, {"BUNQNL2A", "bunq"}, {"INGBNL2A", "ING"},
	{"KNABNL2H", "Knab"}, {"RABONL2U", "Rabobank"}, {"RBRBNL21", "RegioBank"}, {"SNSBNL2A", "SNS"},
	{"TRIONL2U", "Triodos Bank"}, {"FVLBNL22", "Van Lanschot"},
}

// extraFields lists, per method, what the shop collects itself.
var extraFields = map[string]ExtraField{
	"BLIK": {Key: "blikCode", Label: "BLIK code (6 digits from your banking app)", Kind: "text", check: func(v string) error {
		if !blikCode.MatchString(v) {
			return errors.New("a BLIK code is exactly 6 digits")
		}
		return nil
	}},
	"P24": {Key: "payerEmail", Label: "E-mail address for Przelewy24", Kind: "email", check: func(v string) error {
		a, err := mail.ParseAddress(v)
		if err != nil || a.Address != v || len(v) > 64 {
			return errors.New("enter a plain e-mail address, such as name@example.com")
		}
		return nil
	}},
	"IDEAL": {Key: "bankIdentifierCode", Label: "Your bank", Kind: "select", Choices: idealBanks, check: func(v string) error {
		if !slices.ContainsFunc(idealBanks, func(c Choice) bool { return c.Value == v }) {
			return errors.New("choose your bank from the list")
		}
		return nil
	}},
}

// BuyerError is a problem the buyer can fix or must be told about; its
// message is shown as is.
type BuyerError struct{ Msg string }

func (e *BuyerError) Error() string { return e.Msg }

func buyerErr(format string, a ...any) error { return &BuyerError{Msg: fmt.Sprintf(format, a...)} }

// metaData validates the extra information for method and returns it as
// paymentMethodMetaData (nil when the method needs none).
func metaData(method string, form func(string) string) (map[string]any, error) {
	f, ok := extraFields[method]
	if !ok {
		return nil, nil
	}
	v := strings.TrimSpace(form(f.Key))
	if err := f.check(v); err != nil {
		return nil, &BuyerError{Msg: err.Error()}
	}
	return map[string]any{f.Key: v}, nil
}

// MenuOption is one payment method as the page shows it.
type MenuOption struct {
	alipay.PaymentOption
	Extra *ExtraField
}

// MenuGroup is one category of the two-level payment menu.
type MenuGroup struct {
	Category string
	Options  []MenuOption
}

// paymentMenu asks consult what this device can pay the order with and
// shapes it for the page: enabled methods grouped by category, in the
// merchant's preferred order (then consult's), disabled ones apart with
// their reason.
func (s *Shop) paymentMenu(ctx context.Context, o *Order, d Device) (enabled []MenuGroup, disabled []MenuOption, err error) {
	resp, err := s.antom.Consult(ctx, &alipay.ConsultRequest{PaymentAmount: o.Amount, Env: d.Env()})
	if err != nil {
		return nil, nil, err
	}
	opts := resp.EnabledOptions()
	rank := func(t alipay.PaymentMethodType) int {
		if i := slices.Index(s.cfg.PreferredMethods, string(t)); i >= 0 {
			return i
		}
		return len(s.cfg.PreferredMethods)
	}
	slices.SortStableFunc(opts, func(a, b alipay.PaymentOption) int { return rank(a.PaymentMethodType) - rank(b.PaymentMethodType) })
	for _, g := range alipay.GroupPaymentOptions(opts) {
		mg := MenuGroup{Category: categoryName(g.Category)}
		for _, o := range g.Options {
			mg.Options = append(mg.Options, menuOption(o))
		}
		enabled = append(enabled, mg)
	}
	for _, o := range resp.DisabledOptions() {
		disabled = append(disabled, menuOption(o))
	}
	return enabled, disabled, nil
}

func menuOption(o alipay.PaymentOption) MenuOption {
	m := MenuOption{PaymentOption: o}
	if f, ok := extraFields[string(o.PaymentMethodType)]; ok {
		m.Extra = &f
	}
	return m
}

func categoryName(c alipay.PaymentMethodCategory) string {
	switch c {
	case "":
		return "Other"
	case alipay.PaymentMethodCategoryWallet:
		return "Wallets"
	case alipay.PaymentMethodCategoryCard:
		return "Cards"
	case alipay.PaymentMethodCategoryOnlineBanking:
		return "Online banking"
	case alipay.PaymentMethodCategoryMobileBankingApp:
		return "Mobile banking apps"
	case alipay.PaymentMethodCategoryBankTransfer:
		return "Bank transfer"
	case alipay.PaymentMethodCategoryAlipayPlus:
		return "Alipay+"
	}
	return string(c)
}

// PayInput is a buyer's request to pay an order.
type PayInput struct {
	OrderID string
	Method  string
	Device  Device
	Form    func(string) string // extra information fields
}

// PayResult tells the page or app what to do next.
type PayResult struct {
	Attempt   *Attempt
	Redirects []alipay.Redirect
}

// Pay starts a payment attempt for an order: the checks of step 2.1
// (order still open and not expired), then the attempt row committed
// before pay is sent, then the outcome recorded. Only *BuyerError and
// database errors come back as errors; Antom's answers, known or not, are
// in the attempt's status.
func (s *Shop) Pay(ctx context.Context, in PayInput) (*PayResult, error) {
	// A buyer who closes the tab must not cut a payment off half way:
	// once started, it is sent and recorded whatever the connection does.
	ctx = context.WithoutCancel(ctx)
	meta, err := metaData(in.Method, in.Form)
	if err != nil {
		return nil, err
	}
	o, err := s.order(ctx, in.OrderID)
	if errors.Is(err, errNotFound) {
		return nil, buyerErr("there is no order %s", in.OrderID)
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	switch {
	case o.Status == OrderPaid:
		return nil, buyerErr("order %s is already paid", o.ID)
	case o.Status == OrderExpired || !now.Before(o.ExpiresAt.Add(-time.Minute)):
		_, _ = s.db.ExecContext(ctx, `UPDATE orders SET status = 'EXPIRED', updated_at = $1 WHERE id = $2 AND status = 'OPEN'`, ms(now), o.ID)
		return nil, buyerErr("order %s has expired; please order again", o.ID)
	}

	// Antom closes the payment at paymentExpiryTime, so it can never be
	// paid after the order stops taking payments.
	expiry := now.Add(s.cfg.PaymentTTL)
	if o.ExpiresAt.Before(expiry) {
		expiry = o.ExpiresAt
	}
	expiry = expiry.Truncate(time.Second)
	env := in.Device.Env()
	a := &Attempt{RequestID: newID("pay-"), OrderID: o.ID, Method: in.Method, TerminalType: string(env.TerminalType),
		OSType: string(env.OSType), Amount: o.Amount, Status: AttemptSending, ExpiresAt: expiry}
	// Written ahead and leased: if this process dies before it records the
	// answer, another instance inquires once the lease has run out.
	_, err = s.db.ExecContext(ctx, `INSERT INTO payment_attempts (request_id, order_id, method, terminal_type, os_type, amount_minor, currency,
		status, expires_at, next_check_at, lease_owner, lease_until, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $12, $12)`,
		a.RequestID, a.OrderID, a.Method, a.TerminalType, a.OSType, minor(a.Amount), a.Amount.Currency, a.Status,
		ms(expiry), ms(now.Add(s.cfg.Lease)), s.cfg.Instance, ms(now))
	if err != nil {
		return nil, fmt.Errorf("record attempt: %w", err)
	}
	s.checkpoint("pay-before-send")

	payCtx, cancel := context.WithTimeout(ctx, s.cfg.PayTimeout)
	defer cancel()
	returnURL := s.cfg.PublicURL + "/orders/" + o.ID + "/result?attempt=" + a.RequestID
	resp, err := s.antom.Pay(payCtx, &alipay.PayRequest{
		PaymentRequestID:   a.RequestID,
		Order:              alipay.Order{ReferenceOrderID: o.ID, OrderDescription: o.Description, OrderAmount: o.Amount},
		PaymentAmount:      o.Amount,
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodType(in.Method), PaymentMethodMetaData: meta},
		PaymentRedirectURL: returnURL,
		PaymentNotifyURL:   s.cfg.PublicURL + "/alipay/notify",
		PaymentExpiryTime:  expiry,
		Env:                env,
	})
	s.checkpoint("pay-sent")

	res := &PayResult{Attempt: a}
	var out Outcome
	var nextCheck time.Time
	var ae *alipay.Error
	switch {
	case err == nil && resp.Result.ResultStatus == alipay.ResultStatusSuccess:
		out = Outcome{Status: AttemptSuccess, PaymentID: resp.PaymentID}
		if resp.PaymentAmount.Currency != "" {
			out.Amount = &resp.PaymentAmount
		}
	case err == nil:
		res.Redirects = resp.Redirects(env)
		if code := codeValue(resp); code != "" && env.TerminalType == alipay.TerminalTypeWeb {
			// Redirects lists a code value only when it differs from the
			// URLs; the page wants it for the QR code either way.
			res.Redirects = append(res.Redirects, alipay.Redirect{Kind: alipay.RedirectKindCodeValue, URL: code})
		}
		out = Outcome{Status: AttemptProcessing, PaymentID: resp.PaymentID}
		nextCheck = now.Add(s.cfg.InquireAfter)
	case alipay.IsUnknown(err):
		// Antom may have the payment: the worker inquires at once. The
		// buyer may meanwhile pay again with a new paymentRequestId.
		s.log.Warn("pay outcome unknown", "paymentRequestId", a.RequestID, "err", err)
		out = Outcome{Status: AttemptUnknown}
		nextCheck = now
	case errors.As(err, &ae):
		out = Outcome{Status: AttemptFail, ResultCode: string(ae.Result.ResultCode)}
	default: // refused before sending (*alipay.ValidationError)
		s.log.Error("pay refused", "paymentRequestId", a.RequestID, "err", err)
		out = Outcome{Status: AttemptFail, ResultCode: "NOT_SENT"}
	}
	redirects, _ := json.Marshal(res.Redirects)
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE payment_attempts SET redirects = $1, next_check_at = $2, lease_until = 0 WHERE request_id = $3`,
			string(redirects), ms(nextCheck), a.RequestID); err != nil {
			return err
		}
		_, err := s.applyPayment(ctx, tx, a.RequestID, out)
		return err
	})
	if err != nil {
		return nil, err
	}
	res.Attempt, err = s.attempt(ctx, s.db, a.RequestID)
	return res, err
}

// codeValue is the order code to show as a QR code on a desktop page
// (orderCodeForm, Antom's guide step 2.3), or "".
func codeValue(r *alipay.PayResponse) string {
	if r.OrderCodeForm == nil {
		return ""
	}
	for _, d := range r.OrderCodeForm.CodeDetails {
		if d.CodeValue != "" {
			return d.CodeValue
		}
	}
	return ""
}
