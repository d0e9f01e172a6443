package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/xborderpay/alipay/reports/sftp/sftptest"
	"github.com/xborderpay/alipay/reports/xlsx"
)

// reportDir makes a directory with the settlement details as CSV, the
// settlement summary as XLSX, and a file that is not a report.
func reportDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, "testdata/reports/settlement_details.csv", filepath.Join(dir, "SETTLEMENT_DETAIL_1022188000000000001_20261121.csv"))
	copyFile(t, "testdata/reports/not_a_report.csv", filepath.Join(dir, "other.csv"))
	writeXLSX(t, "testdata/reports/settlement_summary_bad.csv", filepath.Join(dir, "SETTLEMENT_SUMMARY_1022188000000000001_20261121.xlsx"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not read"), 0o600))
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o600))
}

func writeXLSX(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, xlsx.WriteReport(&out, bytes.NewReader(b)))
	require.NoError(t, os.WriteFile(to, out.Bytes(), 0o600))
}

func TestReport_directory(t *testing.T) {
	dir := reportDir(t)
	copyFile(t, "testdata/reports/ledger_bad.csv", filepath.Join(dir, "ledger.csv"))
	r := runApp(t, "", "report", "-ledger", filepath.Join(dir, "ledger.csv"), dir)
	assert.Equal(t, exitFail, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	out := strings.ReplaceAll(r.stdout, dir, "DIR")
	assert.Contains(t, out, "DIR/SETTLEMENT_SUMMARY_1022188000000000001_20261121.xlsx: settlement summary report, 2 rows")
	assert.Contains(t, out, "DIR/other.csv: skipped, the header names none of Antom's reports.")
	assert.Contains(t, out, "Read 2 reports: 1 settlement details (3 rows), 1 settlement summary (2 rows).\nSkipped DIR/other.csv: not an Antom report.\n")
	assert.Contains(t, out, "TOTAL_MISMATCH: DIR/SETTLEMENT_SUMMARY_1022188000000000001_20261121.xlsx line 2, batch B20261121001")
	assert.NotContains(t, out, "notes.txt")
	checkGolden(t, "report_directory", out)
}

// TestReport_sameKindTwice: with two files of a kind, a discrepancy names
// the file and the line in it, not a line counted across files.
func TestReport_sameKindTwice(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/reports/settlement_details.csv")
	require.NoError(t, err)
	first := filepath.Join(dir, "a.csv")
	require.NoError(t, os.WriteFile(first, b, 0o600))
	// The second file holds only the last line of the first: a duplicate.
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	second := filepath.Join(dir, "b.csv")
	require.NoError(t, os.WriteFile(second, []byte(lines[0]+"\n"+lines[len(lines)-2]+"\n<END>\n"), 0o600))
	r := runApp(t, "", "report", "-ledger", "testdata/reports/ledger_ok.csv", first, second)
	assert.Contains(t, r.stdout, "DUPLICATE: "+second+" line 2", r.stdout)
}

func TestReport_progress(t *testing.T) {
	defer func(n int) { reportProgressRows = n }(reportProgressRows)
	reportProgressRows = 2
	r := runApp(t, "", "report", "testdata/reports/transaction_details.csv")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "alipay report: testdata/reports/transaction_details.csv: 2 rows read...\n"+
		"alipay report: testdata/reports/transaction_details.csv: 4 rows read...\n"+
		"alipay report: testdata/reports/transaction_details.csv: 6 rows read...\n", r.stderr)
}

func TestReport_xlsxOnStdin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.xlsx")
	writeXLSX(t, "testdata/reports/settlement_summary.csv", path)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	r := runApp(t, string(b), "report", "-")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "standard input: settlement summary report, 2 rows")
}

func TestReport_directoryErrors(t *testing.T) {
	empty := t.TempDir()
	r := runApp(t, "", "report", empty)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "no .csv or .xlsx file in the directory")

	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "x.xlsx"), []byte("PK\x03\x04 not really"), 0o600))
	r = runApp(t, "", "report", bad)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "x.xlsx: xlsx: ")
}

// fetchServer serves a day's reports over SFTP from a temporary directory.
func fetchServer(t *testing.T) (*sftptest.Server, string) {
	t.Helper()
	remote := reportDir(t)
	require.NoError(t, os.Remove(filepath.Join(remote, "other.csv")))
	copyFile(t, "testdata/reports/transaction_details.csv", filepath.Join(remote, "TRANSACTION_DETAIL_1022188000000000001_20261120.csv"))
	srv := sftptest.NewServer(remote)
	t.Cleanup(srv.Close)
	return srv, string(bytes.TrimSpace(ssh.MarshalAuthorizedKey(srv.HostKey)))
}

func TestReportFetch(t *testing.T) {
	srv, hostKey := fetchServer(t)
	t.Setenv("ALIPAY_SFTP_PASSWORD", srv.Password)
	out := filepath.Join(t.TempDir(), "reports")
	args := []string{"report", "fetch", "-host", srv.Addr, "-user", srv.User, "-host-key", hostKey, "-day", "2026-11-21", "-out", out}
	hide := strings.NewReplacer(srv.Addr, "HOST", out, "OUT")

	r := runApp(t, "", args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	checkGolden(t, "report_fetch", hide.Replace(r.stdout))
	assert.FileExists(t, filepath.Join(out, "SETTLEMENT_SUMMARY_1022188000000000001_20261121.xlsx"))
	assert.NoFileExists(t, filepath.Join(out, "TRANSACTION_DETAIL_1022188000000000001_20261120.csv"), "another day")

	r = runApp(t, "", args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	checkGolden(t, "report_fetch_again", hide.Replace(r.stdout))

	// The files fetched are read as a directory.
	r = runApp(t, "", "report", out)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Read 2 reports: 1 settlement details (3 rows), 1 settlement summary (2 rows).")
}

func TestReportFetch_progress(t *testing.T) {
	defer func(n int64) { fetchProgressMin = n }(fetchProgressMin)
	fetchProgressMin = 1
	srv, hostKey := fetchServer(t)
	t.Setenv("ALIPAY_SFTP_PASSWORD", srv.Password)
	r := runApp(t, "", "report", "fetch", "-host", srv.Addr, "-user", srv.User, "-host-key", hostKey, "-day", "2026-11-20", "-out", t.TempDir())
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "alipay report fetch: TRANSACTION_DETAIL_1022188000000000001_20261120.csv: 100% of 1.2 KiB\n", r.stderr)
}

func TestReportFetch_errors(t *testing.T) {
	srv, hostKey := fetchServer(t)
	emptyKnownHosts := filepath.Join(t.TempDir(), "known_hosts")
	require.NoError(t, os.WriteFile(emptyKnownHosts, nil, 0o600))
	base := []string{"report", "fetch", "-host", srv.Addr, "-user", srv.User, "-out", t.TempDir()}
	tests := []struct {
		name     string
		password string
		args     []string
		code     int
		stderr   string
	}{
		{"no host", srv.Password, []string{"report", "fetch", "-user", "u", "-out", "x"}, exitUsage, "flag -host is required"},
		{"no password", "", []string{"-host-key", hostKey}, exitUsage, "no password in $ALIPAY_SFTP_PASSWORD and no -key"},
		{"bad day", srv.Password, []string{"-host-key", hostKey, "-day", "21/11/2026"}, exitUsage, `-day "21/11/2026" is not a date`},
		{"two host key sources", srv.Password, []string{"-host-key", hostKey, "-known-hosts", emptyKnownHosts}, exitUsage, "not both"},
		{"unknown host", srv.Password, []string{"-known-hosts", emptyKnownHosts}, exitError, "is not in known_hosts"},
		{"wrong password", "wrong", []string{"-host-key", hostKey}, exitError, "login refused"},
		{"bad key file", srv.Password, []string{"-host-key", hostKey, "-key", "testdata/reports/ledger_ok.csv"}, exitError, "the private key testdata/reports/ledger_ok.csv: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ALIPAY_SFTP_PASSWORD", tt.password)
			args := tt.args
			if args[0] != "report" {
				args = append(append([]string{}, base...), args...)
			}
			r := runApp(t, "", args...)
			assert.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stderr, tt.stderr)
			if tt.password != "" {
				assert.NotContains(t, r.stdout+r.stderr, tt.password)
			}
		})
	}
}

func TestReportFetch_help(t *testing.T) {
	r := runApp(t, "", "report", "fetch", "-h")
	assert.Equal(t, exitOK, r.code)
	assert.Empty(t, r.stderr)
	checkGolden(t, "help_report_fetch", r.stdout)
}

func TestReportFetch_fileStillBeingWritten(t *testing.T) {
	srv, hostKey := fetchServer(t)
	const name = "SETTLEMENT_DETAIL_1022188000000000001_20261121.csv"
	srv.OnFirstRead(name, func(path string) error {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		_, err = f.WriteString("more\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
	t.Setenv("ALIPAY_SFTP_PASSWORD", srv.Password)
	out := t.TempDir()
	r := runApp(t, "", "report", "fetch", "-host", srv.Addr, "-user", srv.User, "-host-key", hostKey, "-day", "2026-11-21", "-out", out)
	assert.Equal(t, exitError, r.code, r.stdout+r.stderr)
	assert.Regexp(t, `failed\s+`+name+`\s+809 B\s+the file changed during the download`, r.stdout)
	assert.Contains(t, r.stdout, "2 files of 2026-11-21 on "+srv.Addr+": 1 downloaded, 0 already here, 1 failed")
	assert.Contains(t, r.stdout, "A file still being written on the server is fetched by the next run.")
	assert.Contains(t, r.stderr, "not every file was fetched; run the command again to resume")
	assert.NoFileExists(t, filepath.Join(out, name))
}
