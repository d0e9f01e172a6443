package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/xborderpay/alipay/reports/sftp"
)

const reportFetchAbout = `Downloads a day's reconciliation reports from Antom's SFTP server into a local
directory (Antom gives the host, port 22, and the account on request). Each file
is written under a temporary name and renamed once complete, so a file under its
final name is never half downloaded; files already there are skipped, so the
command can simply run again after a failure, and an interrupted download
resumes. A file still being written on the server is left for the next run.

The server's host key must be known: by default it is looked up in
~/.ssh/known_hosts; -host-key pins it instead. An unknown server is refused.
The password is read from an environment variable, never from the command line.

The day's files are those whose names hold its date as yyyyMMdd: Antom's
reports, which "alipay report DIR" reads, and the legacy APP payment's
<PID>_fptrade_<yyyyMMdd>.csv, which package mapi reads.
`

func (a *app) reportFetch(ctx context.Context, args []string) error {
	f := newFlags("report fetch", "alipay report fetch -host HOST[:PORT] -user USER -out DIR [flags]", reportFetchAbout)
	host := f.String("host", "", "SFTP `HOST` or HOST:PORT (port 22 by default), e.g. isftp.alipay.com")
	user := f.String("user", "", "SFTP `USER` name")
	passwordEnv := f.String("password-env", "ALIPAY_SFTP_PASSWORD", "environment `VARIABLE` holding the password")
	keyFile := f.String("key", "", "private key `FILE` (OpenSSH or PEM, unencrypted) to log in with instead of, or besides, the password")
	knownHosts := f.String("known-hosts", "", "known_hosts `FILE` listing the server's key (default ~/.ssh/known_hosts)")
	hostKey := f.String("host-key", "", "the server's public `KEY`, e.g. \"ssh-ed25519 AAAA...\", instead of known_hosts")
	remoteDir := f.String("remote-dir", "", "remote `DIR` holding the reports (default: the login directory)")
	dayFlag := f.String("day", "", "the `DATE` (yyyy-mm-dd) whose files to fetch (default: yesterday)")
	all := f.Bool("all", false, "fetch every file in the remote directory, whatever its date")
	out := f.String("out", "", "local `DIR` to write the files into (created if missing)")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	if err := requireFlags(map[string]string{"host": *host, "user": *user, "out": *out}, "host", "user", "out"); err != nil {
		return err
	}
	if *hostKey != "" && *knownHosts != "" {
		return usagef("give -host-key or -known-hosts, not both")
	}
	day := a.now().AddDate(0, 0, -1)
	if *dayFlag != "" {
		if *all {
			return usagef("give -day or -all, not both")
		}
		d, err := time.Parse("2006-01-02", *dayFlag)
		if err != nil {
			return usagef("-day %q is not a date like 2026-11-29", *dayFlag)
		}
		day = d
	}

	cfg := sftp.Config{Addr: *host, User: *user, Dir: *remoteDir, Password: os.Getenv(*passwordEnv)}
	if *keyFile != "" {
		b, err := a.readInput("the private key", *keyFile)
		if err != nil {
			return err
		}
		signer, err := ssh.ParsePrivateKey(b)
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			return fmt.Errorf("the private key %s is encrypted: give an unencrypted copy kept with the same care, or use the password", *keyFile)
		}
		if err != nil {
			return fmt.Errorf("the private key %s: %w", *keyFile, err)
		}
		cfg.Key = signer
	}
	if cfg.Password == "" && cfg.Key == nil {
		return usagef("no password in $%s and no -key: give one to log in", *passwordEnv)
	}
	var err error
	if *hostKey != "" {
		cfg.HostKeys, err = sftp.PinnedKey(*hostKey)
	} else if *knownHosts != "" {
		cfg.HostKeys, err = sftp.KnownHosts(*knownHosts)
	} else {
		cfg.HostKeys, err = sftp.KnownHosts()
	}
	if err != nil {
		return fmt.Errorf("%s (give the server's key with -host-key or -known-hosts)", strings.TrimPrefix(err.Error(), "sftp: "))
	}
	fetcher, err := sftp.NewFetcher(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("creating the directory: %w", err)
	}

	match, what := sftp.DayMatcher(day), "files of "+day.Format("2006-01-02")
	if *all {
		match, what = nil, "files"
	}
	progress := &fetchProgress{w: a}
	files, err := fetcher.Fetch(ctx, *out, match, progress.report)
	if len(files) == 0 && err != nil {
		return err
	}
	counts := map[sftp.Status]int{}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, file := range files {
		counts[file.Status]++
		note := ""
		switch {
		case file.Status == sftp.Skipped:
			note = "already here"
		case file.Err != nil:
			note = strings.TrimPrefix(file.Err.Error(), "sftp: ")
		case file.Resumed > 0:
			note = fmt.Sprintf("resumed after %s", byteSize(file.Resumed))
		}
		if note != "" {
			note = "\t" + note
		}
		fmt.Fprintf(tw, "%s\t%s\t%s%s\n", file.Status, file.Name, byteSize(file.Size), note)
	}
	tw.Flush()
	fmt.Fprintf(a.stdout, "%d %s on %s: %d downloaded, %d already here, %d failed; in %s.\n",
		len(files), what, *host, counts[sftp.Downloaded], counts[sftp.Skipped], counts[sftp.Failed], *out)
	if err != nil {
		if counts[sftp.Failed] > 0 && errors.Is(err, sftp.ErrChanging) {
			fmt.Fprintln(a.stdout, "A file still being written on the server is fetched by the next run.")
		}
		return errors.New("not every file was fetched; run the command again to resume")
	}
	return nil
}

// fetchProgress says on standard error how far a large file got, every
// tenth of it.
type fetchProgress struct {
	w    *app
	name string
	step int64
}

// fetchProgressMin is the size from which a file's progress is shown (a
// variable for the tests).
var fetchProgressMin int64 = 8 << 20

func (p *fetchProgress) report(name string, done, size int64) {
	if size < fetchProgressMin {
		return
	}
	if name != p.name {
		p.name, p.step = name, 0
	}
	if step := done * 10 / size; step > p.step {
		p.step = step
		fmt.Fprintf(p.w.stderr, "alipay report fetch: %s: %d%% of %s\n", name, step*10, byteSize(size))
	}
}

// byteSize writes n in B, KiB, MiB or GiB.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}
