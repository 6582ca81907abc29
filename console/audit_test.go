package console_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sothon/locales"
	"sothon/store"
)

// Every action the program writes to the audit log has words in every
// language, for the audit page. The actions are found in the code itself:
// an AuditEntry's Action given as text, or through the parameters of the
// functions that pass it on (turn.audit, Weekly.queueTo), followed to
// their callers. An action the test cannot follow fails it, so that a new
// way of writing one is taught here rather than shown as a bare name.
func TestEveryAuditActionHasWords(t *testing.T) {
	t.Parallel()
	actions := auditActions(t, "..") // the module, from console/
	if len(actions) < 20 {
		t.Fatalf("found only %d actions: %v", len(actions), actions)
	}
	cat := locales.MustLoad()
	for _, action := range actions {
		key := "action." + action
		for _, lang := range locales.Languages {
			if got := cat.T(lang, key); got == "["+key+"]" {
				t.Errorf("the audit action %q has no words in %s (add %s to locales/%s.yaml)", action, lang, key, lang)
			}
		}
	}
}

// The audit page says each action in the reader's language, the system's
// and the terminal's entries by what they are; an action without words
// (written by another build) shows as written.
func TestAuditPageInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	province := store.User{ID: "a-bk", Name: "Quản trị tỉnh", Role: store.RoleAdmin, AreaID: "bac-kan", Lang: "vi"}
	entries := []store.AuditEntry{{At: r.now, Actor: "system", Action: "remind", Detail: "h1"},
		{At: r.now, Actor: "terminal", Action: "invite", Detail: "official bac-kan"},
		{At: r.now, Actor: "h1", Action: "review_resubmitted", Detail: "3"},
		{At: r.now, Actor: "h1", Action: "teleport", Detail: "x"}}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &province, Audit: entries}); err != nil {
		t.Fatal(err)
	}
	r.login("a", "a-bk")
	for lang, wants := range map[string][]string{
		"vi": {"<td>hệ thống (tự động)</td><td>gửi lời nhắc</td>", "<td>máy chủ (dòng lệnh)</td><td>tạo mã mời</td>",
			"<td>Trưởng thôn</td><td>gửi lại phiếu đã sửa</td>", "<td>teleport</td>"},
		"en": {"<td>system (scheduled)</td><td>sent a reminder</td>", "<td>server (command line)</td><td>made an invite</td>",
			"<td>Trưởng thôn</td><td>resent a corrected form</td>", "<td>teleport</td>"},
	} {
		r.get("a", "/lang/"+lang)
		_, body, _ := r.get("a", "/audit")
		for _, want := range wants {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the audit page lacks %q:\n%s", lang, want, body)
			}
		}
	}
}

type goFile struct {
	path string
	fset *token.FileSet
	file *ast.File
}

// auditActions lists the actions the program's code (tests left out)
// writes, sorted.
func auditActions(t *testing.T, root string) []string {
	var files []goFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err == nil {
			files = append(files, goFile{path, fset, f})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	// passers: a function's name → the index of its parameter that ends up
	// as an entry's Action.
	passers := map[string]int{}
	take := func(f goFile, fn *ast.FuncDecl, e ast.Expr) {
		switch e := e.(type) {
		case *ast.BasicLit:
			if s, err := strconv.Unquote(e.Value); err == nil && e.Kind == token.STRING {
				found[s] = true
				return
			}
		case *ast.BinaryExpr: // "review_" + step.State
			if lit, ok := e.X.(*ast.BasicLit); ok && lit.Value == `"review_"` {
				for _, state := range []string{store.ReviewApproved, store.ReviewReturned, store.ReviewResubmitted, store.ReviewSuperseded} {
					found["review_"+state] = true
				}
				return
			}
		case *ast.Ident:
			if i := paramIndex(fn, e.Name); i >= 0 {
				passers[fn.Name.Name] = i
				return
			}
		}
		t.Errorf("%s: an audit action this test cannot follow: %T", f.fset.Position(e.Pos()), e)
	}
	for round := 0; round < 5; round++ { // passers of passers: endRun → audit
		before := len(passers)
		for _, f := range files {
			for _, decl := range f.file.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.CompositeLit:
						for _, entry := range auditEntries(n) {
							for _, el := range entry.Elts {
								if kv, ok := el.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Action") && round == 0 {
									take(f, fn, kv.Value)
								}
							}
						}
					case *ast.CallExpr:
						if i, ok := passers[calledName(n)]; ok && i < len(n.Args) && round > 0 {
							take(f, fn, n.Args[i])
						}
					}
					return true
				})
			}
		}
		if round > 0 && len(passers) == before {
			break
		}
	}
	var out []string
	for a := range found {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// auditEntries are the AuditEntry literals a literal is or lists
// ([]store.AuditEntry{{...}} leaves out the type of each).
func auditEntries(lit *ast.CompositeLit) []*ast.CompositeLit {
	if isAuditEntry(lit.Type) {
		return []*ast.CompositeLit{lit}
	}
	var out []*ast.CompositeLit
	if list, ok := lit.Type.(*ast.ArrayType); ok && isAuditEntry(list.Elt) {
		for _, el := range lit.Elts {
			if entry, ok := el.(*ast.CompositeLit); ok && entry.Type == nil {
				out = append(out, entry)
			}
		}
	}
	return out
}

func isAuditEntry(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "AuditEntry"
	case *ast.SelectorExpr:
		return e.Sel.Name == "AuditEntry"
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func calledName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// paramIndex is the position of a function's parameter by name, or -1.
func paramIndex(fn *ast.FuncDecl, name string) int {
	i := 0
	for _, field := range fn.Type.Params.List {
		for _, n := range field.Names {
			if n.Name == name {
				return i
			}
			i++
		}
		if len(field.Names) == 0 {
			i++
		}
	}
	return -1
}
