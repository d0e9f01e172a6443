package mapi

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// envelope is the gateway's XML answer (docs/protocol/mapi.md §3.0):
//
//	<alipay><is_success>T</is_success><request><param name="k">v</param>...</request>
//	<response><trade>...</trade></response><sign>...</sign><sign_type>RSA2</sign_type></alipay>
type envelope struct {
	IsSuccess string
	Error     string
	Sign      string
	SignType  SignType
	Request   map[string]string // echoed request parameters
	// ResponseName is the element under <response> ("trade"), and Response
	// its children's text by name. Empty when there is no <response>.
	ResponseName string
	Response     map[string]string
	// Top holds the text of every other direct child of <alipay> that has
	// no children (is_success, error, and business fields some services
	// put at the top level).
	Top map[string]string
	// signed is what the signature covers, and all that callers may read:
	// Response, or Top without sign and sign_type when there is no
	// <response>.
	signed map[string]string
}

const (
	xmlMaxDepth = 16
	xmlMaxNodes = 10000
)

type xmlNode struct {
	name     string
	attrs    []xml.Attr
	text     strings.Builder
	children []*xmlNode
}

// charsetReader lets encoding/xml read the GBK (and any other WHATWG
// encoding) declarations the gateway may send (docs/protocol/mapi.md §1.3).
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unsupported XML encoding %q", truncate(label, 20))
	}
	return enc.NewDecoder().Reader(in), nil
}

// parseXMLTree parses a bounded XML document into a tree.
func parseXMLTree(raw []byte) (*xmlNode, error) {
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.CharsetReader = charsetReader
	var stack []*xmlNode
	var root *xmlNode
	nodes := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("malformed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			nodes++
			if nodes > xmlMaxNodes || len(stack) >= xmlMaxDepth {
				return nil, errors.New("XML too deep or too many elements")
			}
			n := &xmlNode{name: t.Name.Local, attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("XML has more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("no XML element")
	}
	return root, nil
}

// decodeEnvelope decodes the gateway's XML envelope, tolerating unknown
// elements and non-UTF-8 declarations.
func decodeEnvelope(raw []byte) (*envelope, error) {
	root, err := parseXMLTree(raw)
	if err != nil {
		return nil, err
	}
	if root.name != "alipay" {
		return nil, fmt.Errorf("root element is <%s>, not <alipay>", truncate(root.name, 40))
	}
	env := &envelope{Top: map[string]string{}}
	for _, ch := range root.children {
		switch ch.name {
		case "request":
			env.Request = map[string]string{}
			for _, p := range ch.children {
				if p.name != "param" {
					continue
				}
				for _, a := range p.attrs {
					if a.Name.Local == "name" {
						env.Request[a.Value] = strings.TrimSpace(p.text.String())
					}
				}
			}
		case "response":
			for _, r := range ch.children {
				if env.ResponseName != "" {
					return nil, errors.New("<response> has more than one element")
				}
				env.ResponseName = r.name
				env.Response = leafText(r)
			}
		default:
			if len(ch.children) == 0 {
				env.Top[ch.name] = strings.TrimSpace(ch.text.String())
			}
		}
	}
	env.IsSuccess = env.Top["is_success"]
	env.Error = env.Top["error"]
	env.Sign = env.Top["sign"]
	env.SignType = SignType(env.Top["sign_type"])
	env.signed = env.Response
	if env.ResponseName == "" {
		env.signed = make(map[string]string, len(env.Top))
		for k, v := range env.Top {
			if k != "sign" && k != "sign_type" {
				env.signed[k] = v
			}
		}
	}
	if env.IsSuccess == "" {
		return nil, errors.New("<alipay> has no <is_success>")
	}
	return env, nil
}

// leafText maps the children of n that have no children to their trimmed
// text.
func leafText(n *xmlNode) map[string]string {
	m := make(map[string]string, len(n.children))
	for _, c := range n.children {
		if len(c.children) == 0 {
			m[c.name] = strings.TrimSpace(c.text.String())
		}
	}
	return m
}

// signedContent is what an XML signature covers. The docs say to treat
// node names as parameter names and apply the usual algorithm
// (https://docs.antom.com/ac/web_cn/sync), but not which nodes. We follow
// the one implementation that says (Yurunsoft/PaySDK): the children of the
// element under <response>; when there is no <response> (failures, and
// answers such as forex_refund's that carry none), the leaf children of
// <alipay> other than sign and sign_type. Only these fields are ever read
// (env.signed): is_success and <request> lie outside the signature of an
// answer with a <response>.
func (env *envelope) signedContent() string {
	return PreSignString(env.signed)
}
