package alipay_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmePackages are the packages a README Go block may use without an
// import line, by the name it uses them under.
var readmePackages = map[string]string{
	"alipay":     "github.com/xborderpay/alipay",
	"alipaytest": "github.com/xborderpay/alipay/alipaytest",
	"mapi":       "github.com/xborderpay/alipay/mapi",
	"context":    "context",
	"errors":     "errors",
	"fmt":        "fmt",
	"http":       "net/http",
	"log":        "log",
	"os":         "os",
	"strings":    "strings",
	"time":       "time",
}

// TestReadmeGoBlocksCompile builds every ```go block of README.md, as
// written there, so that the README cannot drift from the API. A block that
// starts with "package" is a whole file; any other is the body of a
// function that has ctx (context.Context) and markPaid (the merchant's own
// function) in scope, with imports added for the packages it names.
func TestReadmeGoBlocksCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go command; skipped with -short")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the README's blocks with")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```go block: the quick start is gone or its fence changed")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	goSum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module readmecheck\n\ngo 1.23.0\n\nrequire github.com/xborderpay/alipay v0.0.0\n\nreplace github.com/xborderpay/alipay => "+root+"\n")
	write("go.sum", string(goSum))
	for i, b := range blocks {
		write(fmt.Sprintf("block%d.go", i+1), readmeProgram(i+1, b[1]))
	}
	cmd := exec.Command(goCmd, "vet", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("a README Go block does not build (block N is the Nth ```go block):\n%s", out)
	}
}

// readmeProgram turns README block n into a Go file of package main.
func readmeProgram(n int, block string) string {
	if strings.HasPrefix(strings.TrimSpace(block), "package ") {
		return block
	}
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	uses := map[string]bool{"context": true, "alipay": true} // the function's own parameters
	for name := range readmePackages {
		if regexp.MustCompile(`\b` + name + `\.`).MatchString(block) {
			uses[name] = true
		}
	}
	for name := range uses {
		fmt.Fprintf(&b, "\t%s %q\n", name, readmePackages[name])
	}
	b.WriteString(")\n\n")
	if n == 1 {
		b.WriteString("func main() {}\n\n")
	}
	fmt.Fprintf(&b, "func block%d(ctx context.Context, markPaid func(context.Context, *alipay.Notification) error) {\n_, _ = ctx, markPaid\n%s}\n", n, block)
	return b.String()
}
