package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// cmdFlags is a subcommand's flag set with its help text.
type cmdFlags struct {
	*flag.FlagSet
	usage string // "alipay sign -client-id ID ..." line(s)
	about string // what the command does, printed before the flags
}

func newFlags(name, usage, about string) *cmdFlags {
	fs := flag.NewFlagSet("alipay "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &cmdFlags{FlagSet: fs, usage: usage, about: about}
}

// parse parses args. On -h it prints the help to w and returns errHelp; a
// bad flag is a usage error. Positional arguments are refused unless
// maxArgs allows them.
func (f *cmdFlags) parse(w io.Writer, args []string, maxArgs int) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.printHelp(w)
			return errHelp
		}
		return usagef("%s", err)
	}
	if f.NArg() > maxArgs {
		return usagef("unexpected argument %q", f.Arg(maxArgs))
	}
	return nil
}

func (f *cmdFlags) printHelp(w io.Writer) {
	fmt.Fprintf(w, "Usage:\n  %s\n\n%s\nFlags:\n", f.usage, f.about)
	f.SetOutput(w)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
	fmt.Fprint(w, "\nExit status: 0 ok, 1 check failed, 2 usage error, 3 other error.\n")
}

// requireFlags returns a usage error naming the first flag in names left empty.
func requireFlags(values map[string]string, names ...string) error {
	for _, n := range names {
		if strings.TrimSpace(values[n]) == "" {
			return usagef("flag -%s is required", n)
		}
	}
	return nil
}

// maxInputBytes bounds readInput: keys, request bodies and saved messages
// are kilobytes, so anything larger is the wrong file.
const maxInputBytes = 16 << 20

// readInput reads a file named on the command line; "-" means stdin.
func (a *app) readInput(what, name string) ([]byte, error) {
	r, from := a.stdin, " from standard input"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", what, err)
		}
		defer f.Close()
		r, from = f, ""
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s%s: %w", what, from, err)
	}
	if len(b) > maxInputBytes {
		return nil, fmt.Errorf("reading %s%s: larger than %d MiB, too large for a key or an Antom message", what, from, maxInputBytes>>20)
	}
	return b, nil
}

// given reports whether the flag name was set on the command line, so that
// a default can depend on other flags.
func (f *cmdFlags) given(name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}
