package alipay_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Godoc, comments and docs are read by users who have only this repository:
// they may cite Antom's public pages or the protocol notes under
// docs/protocol, never documents that are not shipped. The patterns are
// written with [ ] so that this file does not match itself.
var forbiddenCitations = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\bspec[ ]*\x{a7}`),
	regexp.MustCompile(`(?i)\bspec,?[ ]+(open|digest)`),
	regexp.MustCompile(`(?i)\bopen[ ]questions?\b`),
	regexp.MustCompile(`(?i)\b(specification|protocol|AMS|MAPI)[ ]digest`),
	regexp.MustCompile(`(?i)\bdigest[ ]*\x{a7}`),
	regexp.MustCompile(`(?i)\bthe[ ]spec\b`),
	regexp.MustCompile(`(?i)\bspec('s|/)`),
	regexp.MustCompile(`\([ ]*spec\b`),
	regexp.MustCompile(`(?i)antom[-]ams`),
	regexp.MustCompile(`(?i)legacy[-]app[-]pay`),
	regexp.MustCompile(`(?i)create[-]payment[-]session\.md`),
	regexp.MustCompile(`\[(AMS|MAPI)\][ ]*\x{a7}`),
}

// protocolCite finds a citation of a protocol note: docs/protocol/<note>.md,
// or <note>.md inside docs/protocol itself. sectionRef reads the sections that
// follow it, as in docs/protocol/ams.md §2.3, §1.4–§1.6, §1.6–1.9 and §2.6.
// standardCite is a section of a public standard (RFC 9110 §5.1). A section
// sign anywhere else names no document a user has, except inside a note,
// where it refers to the note itself.
var (
	protocolCite = regexp.MustCompile(`(?:^|[^\w/.-])(docs/protocol/[\w.-]+?|ams|mapi|payment-session)\.md\b`)
	sectionRef   = regexp.MustCompile(`^(?:\s*,?\s*(?:and\s+)?)\x{a7}(\d+(?:\.\d+)*)(?:\s*[–-]\s*\x{a7}?(\d+(?:\.\d+)*))?`)
	standardCite = regexp.MustCompile(`\b(RFC|ISO|ISO/IEC|FIPS|X\.)[ ]?[\d-]+,?[ ]\x{a7}[\d.]+`)
	noteHeading  = regexp.MustCompile(`(?m)^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s`)
)

// sectionSign is spelled out so that this file holds none outside a citation.
var sectionSign = string(rune(0xa7))

// docText is the prose of one file: the comments and string literals of a
// Go file, or a whole Markdown file.
type docText struct {
	path string
	text string
}

// repoDocs reads every .go and .md file of the repository, nested modules
// and test files included.
func repoDocs(t *testing.T) []docText {
	t.Helper()
	var out []docText
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".md":
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out = append(out, docText{path, string(b)})
		case ".go":
			text, err := goProse(path)
			if err != nil {
				return err
			}
			out = append(out, docText{path, text})
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

// goProse returns a Go file's comments (each group joined into one line, so
// that a citation wrapped over two comment lines reads as one) and string
// literals.
func goProse(path string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, g := range f.Comments {
		b.WriteString(strings.Join(strings.Fields(g.Text()), " "))
		b.WriteByte('\n')
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				b.WriteString(s)
				b.WriteByte('\n')
			}
		}
		return true
	})
	return b.String(), nil
}

// citationProblems lists what is wrong with the citations in text: forbidden
// sources, and sections of the protocol notes that do not exist. sections
// maps a note's path (docs/protocol/ams.md) to its numbered headings; dir is
// the directory of the file text comes from.
func citationProblems(text, dir string, sections map[string]map[string]bool) []string {
	var problems []string
	for _, re := range forbiddenCitations {
		for _, m := range re.FindAllString(text, -1) {
			problems = append(problems, "cites a document users do not have: "+strconv.Quote(m))
		}
	}
	flat := strings.Join(strings.Fields(text), " ")
	cited := []byte(flat) // flat with the section signs of citations blanked
	for _, loc := range standardCite.FindAllStringIndex(flat, -1) {
		copy(cited[loc[0]:loc[1]], strings.Repeat(" ", loc[1]-loc[0]))
	}
	for _, loc := range protocolCite.FindAllStringSubmatchIndex(flat, -1) {
		name := flat[loc[2]:loc[3]] + ".md"
		if !strings.HasPrefix(name, "docs/protocol/") {
			if filepath.ToSlash(dir) != "docs/protocol" {
				continue // some other ams.md, not a note
			}
			name = "docs/protocol/" + name
		}
		secs, ok := sections[name]
		if !ok {
			problems = append(problems, "cites "+name+", which does not exist")
		}
		at := loc[1]
		for {
			m := sectionRef.FindStringSubmatch(flat[at:])
			if m == nil {
				break
			}
			for _, s := range m[1:] {
				if ok && s != "" && !secs[s] {
					problems = append(problems, "cites "+name+" section "+s+", which has no such heading")
				}
			}
			copy(cited[at:at+len(m[0])], strings.Repeat(" ", len(m[0])))
			at += len(m[0])
		}
	}
	if filepath.ToSlash(dir) != "docs/protocol" {
		for _, f := range strings.Split(string(cited), sectionSign)[1:] {
			f, _, _ = strings.Cut(f, " ")
			problems = append(problems, "cites section "+strconv.Quote(f)+" of no document shipped here")
		}
	}
	return problems
}

// protocolSections reads the numbered section headings of every note.
func protocolSections(t *testing.T) map[string]map[string]bool {
	t.Helper()
	notes, err := filepath.Glob("docs/protocol/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, notes)
	out := map[string]map[string]bool{}
	for _, n := range notes {
		b, err := os.ReadFile(n)
		require.NoError(t, err)
		secs := map[string]bool{}
		for _, m := range noteHeading.FindAllStringSubmatch(string(b), -1) {
			secs[m[1]] = true
		}
		out[filepath.ToSlash(n)] = secs
	}
	return out
}

// TestDocsCiteOnlyShippedSources checks every comment, string and Markdown
// file of the repository: no citation of unshipped documents, and every
// citation of a section of docs/protocol/<note>.md names a heading it has.
func TestDocsCiteOnlyShippedSources(t *testing.T) {
	sections := protocolSections(t)
	for _, sec := range []string{"1.4", "2.3", "5", "8.9"} {
		require.True(t, sections["docs/protocol/ams.md"][sec], "docs/protocol/ams.md lacks section %s", sec)
	}
	for _, d := range repoDocs(t) {
		for _, p := range citationProblems(d.text, filepath.Dir(d.path), sections) {
			t.Errorf("%s: %s", d.path, p)
		}
	}
}

// TestCitationProblems shows that the check above catches what it must. The
// texts are masked (~ is dropped, $ stands for the section sign) so that
// this file passes the check itself.
func TestCitationProblems(t *testing.T) {
	sections := map[string]map[string]bool{
		"docs/protocol/ams.md": {"1": true, "1.4": true, "1.6": true, "1.9": true, "2.3": true, "5": true, "8.9": true},
	}
	tests := []struct {
		name, text, dir string
		bad             int
	}{
		{"section symbol", "the body of pay (sp~ec $2.3)", ".", 3},
		{"open-question", "not settled (sp~ec open qu~estion 9)", ".", 3},
		{"digest file", "the sp~ec dig~est $5 (antom~-ams.md)", ".", 5},
		{"other digest", "see legacy~-app-pay.md and create-payment~-session.md", ".", 2},
		{"bare phrase", "whose shape the sp~ec does not fix", ".", 1},
		{"AMS tag", "see [AMS~] $2.9", "docs/protocol", 1},
		{"good note", "(docs/protocol/ams.md $2.3, $1.4–$1.6 and $5)", ".", 0},
		{"wrapped", "(docs/protocol/ams.md\n$1.6–1.9)", ".", 0},
		{"url", "(https://docs.antom.com/ac/ams/payment_cashier)", ".", 0},
		{"crypto digest", "signs the SHA-256 digest of the content", ".", 0},
		{"missing section", "docs/proto~col/ams.md $2.12", ".", 1},
		{"missing range end", "docs/proto~col/ams.md $1.4–$1.7", ".", 1},
		{"missing in list", "docs/proto~col/ams.md $2.3, $9", ".", 1},
		{"missing note", "docs/proto~col/nowhere.md $1", ".", 1},
		{"relative in notes", "see ams.md $8.9 and ams.md $8.14", "docs/protocol", 1},
		{"other ams.md", "see ams.md", "cmd", 0},
		{"bare section", "as $2.3 says", ".", 1},
		{"bare section after a note", "(docs/protocol/ams.md $2.3; see also $5)", ".", 1},
		{"bare section of another ams.md", "see ams.md $99", "cmd", 1},
		{"bare section inside a note", "see $3.4", "docs/protocol", 0},
		{"RFC", "(RFC 9110 $5.1; RFC 8017 $9.2, note 1)", ".", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := citationProblems(strings.NewReplacer("~", "", "$", sectionSign).Replace(tt.text), tt.dir, sections)
			assert.Len(t, got, tt.bad, "%q", got)
		})
	}
}
