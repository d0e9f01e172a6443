package mapi

import (
	"maps"
	"net/url"
)

// GatewayRequest is a gateway call signed by hand: what Alipay's PHP
// demo builds with buildRequestPara, for a service this package has no
// method for, or to compare with what a ported backend sends.
type GatewayRequest struct {
	Params  map[string]string // every parameter sent, sign and sign_type included
	PreSign string            // the string that was signed
	URL     string            // the gateway URL with Params as its query (GET)
}

// SignGatewayRequest signs params for the gateway with the client's sign
// type: partner is set to the client's (a different partner is refused),
// empty values are dropped from the signature, then sign and sign_type are
// added. Nothing is sent.
func (c *Client) SignGatewayRequest(params map[string]string) (*GatewayRequest, error) {
	if p, ok := params["partner"]; ok && p != c.partner {
		return nil, invalid("partner", "%q is not the client's partner ID %s", truncate(p, 40), c.partner)
	}
	if params["service"] == "" {
		return nil, invalid("service", "is required")
	}
	p := make(map[string]string, len(params)+3)
	maps.Copy(p, params)
	delete(p, "sign")
	delete(p, "sign_type")
	p["partner"] = c.partner
	presign := PreSignString(p)
	sig, err := c.keys.sign(c.signType, presign)
	if err != nil {
		return nil, err
	}
	p["sign"] = sig
	p["sign_type"] = string(c.signType)
	u := *c.gateway
	v := make(url.Values, len(p))
	for k, s := range p {
		if s != "" {
			v.Set(k, s)
		}
	}
	u.RawQuery = v.Encode()
	return &GatewayRequest{Params: p, PreSign: presign, URL: u.String()}, nil
}
