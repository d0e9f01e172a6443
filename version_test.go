package alipay_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/xborderpay/alipay"
)

// TestVersionMatchesChangelog keeps alipay.Version (sent in every
// User-Agent) and the newest release in CHANGELOG.md in step.
func TestVersionMatchesChangelog(t *testing.T) {
	log, err := os.ReadFile("CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^## \[?v?(\d+\.\d+\.\d+)\]?`).FindSubmatch(log)
	if m == nil {
		t.Fatal("CHANGELOG.md has no release heading like \"## [1.2.3] - 2026-11-29\"")
	}
	if got := string(m[1]); got != alipay.Version {
		t.Errorf("CHANGELOG.md's newest release is %s, alipay.Version is %s: release both together", got, alipay.Version)
	}
}
