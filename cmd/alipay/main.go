// Command alipay helps integrate Antom (Alipay cross-border) payments: it
// makes key pairs, signs requests, diagnoses signatures that do not verify,
// sends signed test notifications, summarises reconciliation reports and runs
// a local sandbox gateway with a cashier page.
//
// Install it with
//
//	go install ./cmd/alipay   (from a checkout of the repository)
//
// and run "alipay help" for the commands, their flags and the exit codes.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// Exit codes that scripts can rely on.
const (
	exitOK    = 0 // success
	exitFail  = 1 // a check failed: bad signature, ack not exact, discrepancies
	exitUsage = 2 // unknown command or flag, missing or invalid argument
	exitError = 3 // anything else: unreadable file, bad key, network failure
)

const usageText = `alipay is a toolkit for Antom (Alipay cross-border) integrations.

Usage:
  alipay <command> [flags]

Commands:
  keygen    make an RSA-2048 key pair to register with Antom
  sign      print the string to sign and the Signature header of a request
  verify    check the signature of a response or notification and say what is wrong
  notify    send a signed test notification to your server and check its answer
  report    summarise reconciliation reports (CSV, XLSX, a directory of them); with
            a ledger, list discrepancies; "report fetch" downloads them over SFTP
  sandbox   run a local fake Antom gateway with a cashier page
  mapi      the same tools for the legacy MAPI gateway (App order strings,
            gateway.do, notify_url): mapi sign, verify, notify, sandbox

Run "alipay <command> -h" for the flags of a command.

Exit status:
  0  success: done, signature verifies, notification acknowledged, no discrepancies
  1  a check failed: signature does not verify, acknowledgement not exact,
     discrepancies found
  2  usage error: unknown command or flag, missing or invalid argument
  3  any other error: unreadable file, unusable key, network failure
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args (without the program name) and returns
// the exit code. All input and output goes through the given streams.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newApp(stdin, stdout, stderr).run(ctx, args)
}

// app carries the streams and everything tests replace: the clock and the
// source of new keys.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	newKey         func(bits int) (*rsa.PrivateKey, error)
	httpClient     *http.Client
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		now:    time.Now,
		newKey: func(bits int) (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, bits) },
		httpClient: &http.Client{
			Timeout: 30 * time.Second,
			// Antom does not follow redirects; notify must see them.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// A command is one subcommand: its name and its function.
type command struct {
	name string
	run  func(a *app, ctx context.Context, args []string) error
}

var commands = []command{
	{"keygen", (*app).keygen},
	{"sign", (*app).sign},
	{"verify", (*app).verify},
	{"notify", (*app).notify},
	{"report", (*app).report},
	{"sandbox", (*app).sandbox},
	{"mapi", (*app).mapi},
}

func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, usageText)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			return a.run(ctx, []string{args[1], "-h"})
		}
		fmt.Fprint(a.stdout, usageText)
		return exitOK
	}
	for _, c := range commands {
		if c.name == name {
			return a.exit(name, c.run(a, ctx, args[1:]))
		}
	}
	fmt.Fprintf(a.stderr, "alipay: unknown command %q\nRun \"alipay help\" for the list of commands.\n", name)
	return exitUsage
}

// exit maps a command's error to the exit code and prints it.
func (a *app) exit(name string, err error) int {
	var (
		usage *usageError
		fail  *failedError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &usage):
		fmt.Fprintf(a.stderr, "alipay %s: %s\nRun \"alipay %s -h\" for usage.\n", name, usage.msg, name)
		return exitUsage
	case errors.As(err, &fail):
		// The command already explained the failure on stdout.
		return exitFail
	default:
		// SDK errors start with "alipay: "; the command name already says it.
		msg := strings.ReplaceAll(strings.TrimPrefix(err.Error(), "alipay: "), ": alipay: ", ": ")
		fmt.Fprintf(a.stderr, "alipay %s: %s\n", name, msg)
		return exitError
	}
}

// errHelp ends a command after its help text was printed.
var errHelp = errors.New("help requested")

// usageError is a problem with the command line (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// failedError means a check ran and failed (exit code 1); the command has
// already printed why.
type failedError struct{ what string }

func (e *failedError) Error() string { return e.what }
