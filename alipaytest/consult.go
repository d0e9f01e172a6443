package alipaytest

import "slices"

type paymentOption struct {
	PaymentMethodType     string   `json:"paymentMethodType"`
	PaymentMethodCategory string   `json:"paymentMethodCategory"`
	PaymentMethodRegion   []string `json:"paymentMethodRegion"`
	Enabled               bool     `json:"enabled"`
	Preferred             bool     `json:"preferred,omitempty"`
	DisableReason         string   `json:"disableReason,omitempty"`
	SupportedCurrencies   []string `json:"supportedCurrencies"`
	Logo                  struct {
		LogoName string `json:"logoName"`
		LogoURL  string `json:"logoUrl"`
	} `json:"logo"`
}

type consultResponse struct {
	Result         wireResult      `json:"result"`
	PaymentOptions []paymentOption `json:"paymentOptions"`
}

// consult lists the methods that accept the terminal type, enabled when
// they take the currency (docs/protocol/ams.md §2.2).
func (s *Server) consult(body []byte) (any, *apiError) {
	var req consultRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	if e := checkProductCode(req.ProductCode); e != nil {
		return nil, e
	}
	if _, e := checkAmount("paymentAmount", req.PaymentAmount); e != nil {
		return nil, e
	}
	if e := checkEnv(req.Env); e != nil {
		return nil, e
	}
	resp := consultResponse{Result: resultSuccess, PaymentOptions: []paymentOption{}}
	for _, m := range methods {
		if !m.supportsTerminal(req.Env.TerminalType) ||
			(len(req.AllowedPaymentMethods) > 0 && !slices.Contains(req.AllowedPaymentMethods, m.typ)) ||
			slices.Contains(req.BlockedPaymentMethods, m.typ) {
			continue
		}
		o := paymentOption{
			PaymentMethodType:     m.typ,
			PaymentMethodCategory: m.category,
			PaymentMethodRegion:   m.regions,
			Enabled:               m.supportsCurrency(req.PaymentAmount.Currency),
			Preferred:             req.UserRegion != "" && slices.Contains(m.regions, req.UserRegion),
			SupportedCurrencies:   m.currencies,
		}
		if !o.Enabled {
			o.DisableReason = "CHANNEL_NOT_SUPPORT_CURRENCY"
		}
		o.Logo.LogoName = m.typ
		o.Logo.LogoURL = s.linkBase() + "/logo/" + m.typ + ".svg"
		resp.PaymentOptions = append(resp.PaymentOptions, o)
	}
	return resp, nil
}

func checkProductCode(code string) *apiError {
	switch code {
	case "":
		return paramIllegal("productCode", "is required")
	case "CASHIER_PAYMENT":
		return nil
	}
	return paramIllegal("productCode", "must be CASHIER_PAYMENT")
}

func checkEnv(env *wireEnv) *apiError {
	if env == nil {
		return paramIllegal("env", "is required")
	}
	switch env.TerminalType {
	case "":
		return paramIllegal("env.terminalType", "is required")
	case "WEB", "MINI_APP":
	case "WAP", "APP":
		switch env.OSType {
		case "":
			return paramIllegal("env.osType", "is required when env.terminalType is "+env.TerminalType)
		case "IOS", "ANDROID":
		default:
			return paramIllegal("env.osType", "must be IOS or ANDROID")
		}
	default:
		return paramIllegal("env.terminalType", "must be WEB, WAP, APP or MINI_APP")
	}
	return nil
}
