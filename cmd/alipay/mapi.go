package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"
)

const mapiUsageText = `alipay mapi: tools for the legacy cross-border APP payment (MAPI gateway.do),
for merchants porting a backend from Alipay's PHP or Java demo to package mapi.

Usage:
  alipay mapi <command> [flags]

Commands:
  sign      print the pre-sign string and the signed order string or gateway request
  verify    check a saved notification or gateway answer and say what is most likely wrong
  notify    send a signed test notification to your notify_url and check the answer
  sandbox   run the fake MAPI gateway (mapitest) on an address with your keys

Run "alipay mapi <command> -h" for the flags of a command.

Exit status: 0 ok, 1 check failed, 2 usage error, 3 other error.
`

// mapiCommands are the subcommands of "alipay mapi".
var mapiCommands = []command{
	{"sign", (*app).mapiSign},
	{"verify", (*app).mapiVerify},
	{"notify", (*app).mapiNotify},
	{"sandbox", (*app).mapiSandbox},
}

// mapi dispatches "alipay mapi <command>".
func (a *app) mapi(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, mapiUsageText)
		return usagef("a command is required")
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[0] == "help" {
			return a.mapi(ctx, []string{args[1], "-h"})
		}
		fmt.Fprint(a.stdout, mapiUsageText)
		return errHelp
	}
	for _, c := range mapiCommands {
		if c.name == args[0] {
			return c.run(a, ctx, args[1:])
		}
	}
	return usagef("unknown command %q (sign, verify, notify or sandbox)", args[0])
}

// readParams reads MAPI parameters as the PHP demo's $parameter array
// holds them: one name=value per line, the value taken as is up to the end
// of the line (not URL-decoded); blank lines and lines starting with # are
// skipped.
func readParams(b []byte) (map[string]string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	p := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), maxInputBytes)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("parameters line %d: not name=value", n)
		}
		if _, dup := p[name]; dup {
			return nil, fmt.Errorf("parameters line %d: %s appears twice", n, name)
		}
		p[name] = value
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the parameters: %w", err)
	}
	if len(p) == 0 {
		return nil, fmt.Errorf("no parameters: write one name=value per line")
	}
	return p, nil
}
