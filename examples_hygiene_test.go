package alipay_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// TestExamplesUseOnlyPublicAPI keeps every runnable Example copyable: an
// Example may call only what a user of the module can call, so it must not
// reach for helpers declared in _test.go files or for unexported names, and
// no _test.go file of a package's own test build may export a name (users
// could never call it). A command's Examples (package main) document its
// command line and are left out. It walks every Go file of the repository, nested
// modules included.
func TestExamplesUseOnlyPublicAPI(t *testing.T) {
	decls := map[pkgKey]map[string]decl{}
	type example struct {
		key pkgKey
		fn  *ast.FuncDecl
	}
	var examples []example
	fset := token.NewFileSet()

	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		isTest := strings.HasSuffix(path, "_test.go")
		key := pkgKey{filepath.Dir(path), f.Name.Name}
		if decls[key] == nil {
			decls[key] = map[string]decl{}
		}
		for _, name := range topLevelNames(f) {
			decls[key][name.Name] = decl{inTest: isTest, pos: fset.Position(name.Pos()).String()}
			if isTest && !strings.HasSuffix(f.Name.Name, "_test") && name.IsExported() && !isTestFunc(name.Name) {
				t.Errorf("%s: %s is exported from a _test.go file: users cannot call it", fset.Position(name.Pos()), name.Name)
			}
		}
		for _, d := range f.Decls {
			// A command's Examples (package main) show its command line,
			// not Go code to copy.
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Example") && f.Name.Name != "main" {
				examples = append(examples, example{key, fn})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(examples) == 0 {
		t.Fatal("found no Example functions: is the test running from the repository root?")
	}
	for _, ex := range examples {
		local := localNames(ex.fn)
		var visit func(ast.Node) bool
		visit = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				ast.Inspect(n.X, visit) // n.Sel names a field, method or package member
				return false
			case *ast.KeyValueExpr:
				if _, ok := n.Key.(*ast.Ident); ok { // a struct literal's field name
					ast.Inspect(n.Value, visit)
					return false
				}
			case *ast.Ident:
				checkExampleIdent(t, fset, ex.fn, n, local, decls[ex.key])
			}
			return true
		}
		ast.Inspect(ex.fn.Body, visit)
	}
}

func checkExampleIdent(t *testing.T, fset *token.FileSet, fn *ast.FuncDecl, id *ast.Ident, local map[string]bool, pkg map[string]decl) {
	t.Helper()
	if local[id.Name] {
		return
	}
	d, ok := pkg[id.Name]
	if !ok || isTestFunc(id.Name) {
		return
	}
	if d.inTest || !unicode.IsUpper([]rune(id.Name)[0]) {
		t.Errorf("%s: %s uses %s (declared at %s), which a user copying the example does not have", fset.Position(id.Pos()), fn.Name.Name, id.Name, d.pos)
	}
}

// pkgKey names one package's files: a directory and a package clause
// (a directory holds a package and its external _test package).
type pkgKey struct{ dir, name string }

// decl is where a package-level name is declared.
type decl struct {
	inTest bool
	pos    string
}

func isTestFunc(name string) bool {
	for _, p := range []string{"Test", "Benchmark", "Example", "Fuzz"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// topLevelNames returns the names a file declares at package level
// (methods excluded).
func topLevelNames(f *ast.File) []*ast.Ident {
	var names []*ast.Ident
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "init" && d.Name.Name != "main" {
				names = append(names, d.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.Name != "_" {
							names = append(names, n)
						}
					}
				}
			}
		}
	}
	return names
}

// localNames returns every name the function declares inside itself
// (parameters, variables, constants, types, range and closure parameters),
// so that a local variable is not taken for a package-level helper.
func localNames(fn *ast.FuncDecl) map[string]bool {
	local := map[string]bool{}
	addFields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			for _, n := range f.Names {
				local[n.Name] = true
			}
		}
	}
	addFields(fn.Type.Params)
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.TypeSpec:
			local[n.Name.Name] = true
		case *ast.FuncLit:
			addFields(n.Type.Params)
		}
		return true
	})
	return local
}
