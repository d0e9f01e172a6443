package sftp_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/reports/sftp"
	"github.com/xborderpay/alipay/reports/sftp/sftptest"
)

// ExampleFetcher_FetchDay fetches a day's files, Antom's reports and the
// legacy APP payment's fptrade file alike, from a local stand-in for the
// SFTP server; a second run finds them all downloaded already.
func ExampleFetcher_FetchDay() {
	remoteDir, _ := os.MkdirTemp("", "remote")
	localDir, _ := os.MkdirTemp("", "reports")
	defer os.RemoveAll(remoteDir)
	defer os.RemoveAll(localDir)
	_ = os.WriteFile(filepath.Join(remoteDir, "SETTLEMENT_SUMMARY_1022188000000000001_20261129.csv"), []byte("settlementBatchId\nSB1\n<END>\n"), 0o644)
	_ = os.WriteFile(filepath.Join(remoteDir, "2088101122136241_fptrade_20261129.csv"),
		[]byte("Partner_transaction_id,Amount,Currency,Payment_time,Type,Status\norder-1,10.25,USD,20261129103000,P,P\n"), 0o644)
	server := sftptest.NewServer(remoteDir) // in production: Antom's host, port 22
	defer server.Close()

	// Pin the key Antom gave you, or use sftp.KnownHosts().
	hostKeys, err := sftp.PinnedKey(string(ssh.MarshalAuthorizedKey(server.HostKey)))
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := sftp.NewFetcher(sftp.Config{Addr: server.Addr, User: server.User, Password: server.Password, HostKeys: hostKeys})
	if err != nil {
		fmt.Println(err)
		return
	}
	day := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	for run := 1; run <= 2; run++ {
		files, err := f.FetchDay(context.Background(), day, localDir, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, file := range files {
			fmt.Printf("run %d: %s %s\n", run, file.Name, file.Status)
		}
	}

	legacy, _ := os.Open(filepath.Join(localDir, "2088101122136241_fptrade_20261129.csv"))
	defer legacy.Close()
	row, err := mapi.NewFPTradeReader(legacy).Next()
	fmt.Println(row.PartnerTransactionID, row.Amount, row.Currency, err)
	// Output:
	// run 1: 2088101122136241_fptrade_20261129.csv downloaded
	// run 1: SETTLEMENT_SUMMARY_1022188000000000001_20261129.csv downloaded
	// run 2: 2088101122136241_fptrade_20261129.csv skipped
	// run 2: SETTLEMENT_SUMMARY_1022188000000000001_20261129.csv skipped
	// order-1 10.25 USD <nil>
}
