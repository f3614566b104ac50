package routes

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"efile/services/errs"

	"golang.org/x/text/language"
)

// messageFormats finds every message written in the code: the string
// literal given as the format to errs.M, errs.New, errs.Invalid,
// errs.Conflict, errs.Forbidden, (*errs.Validation).Add (any .Add whose
// first argument is a field name and second a literal), the import's row
// helpers bad and add, and errs.NotFound's "<what> not found".
func messageFormats(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range []string{"../services", "."} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				firstLit := func() (string, bool) {
					for _, a := range call.Args {
						if bl, ok := a.(*ast.BasicLit); ok && bl.Kind == token.STRING {
							s, err := strconv.Unquote(bl.Value)
							return s, err == nil
						}
					}
					return "", false
				}
				// The import's row helpers, bad(field, format, …) and
				// e.add(line, column, format, …), take a format too.
				if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "bad" {
					if s, ok := firstLit(); ok && s != "%s" {
						out[s] = fset.Position(call.Pos()).String()
					}
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				lit := func(i int) (string, bool) {
					if i >= len(call.Args) {
						return "", false
					}
					bl, ok := call.Args[i].(*ast.BasicLit)
					if !ok || bl.Kind != token.STRING {
						return "", false
					}
					s, err := strconv.Unquote(bl.Value)
					return s, err == nil
				}
				pkg := ""
				if id, ok := sel.X.(*ast.Ident); ok {
					pkg = id.Name
				}
				at := fset.Position(call.Pos()).String()
				add := func(s string, ok bool) {
					if ok && s != "%s" && s != "" {
						out[s] = at
					}
				}
				switch {
				case pkg == "errs" && (sel.Sel.Name == "M" || sel.Sel.Name == "Forbidden"):
					add(lit(0))
				case pkg == "errs" && (sel.Sel.Name == "New" || sel.Sel.Name == "Invalid" || sel.Sel.Name == "Conflict" || sel.Sel.Name == "RateLimited"):
					add(lit(1))
				case pkg == "errs" && sel.Sel.Name == "ConflictAbout":
					add(lit(3))
				case pkg == "errs" && sel.Sel.Name == "NotFound":
					if s, ok := lit(0); ok {
						out[s+" not found"] = at
					}
				case sel.Sel.Name == "Add" && len(call.Args) >= 2:
					add(lit(1))
				case sel.Sel.Name == "add" && len(call.Args) >= 3:
					add(lit(2))
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestCatalogueComplete: every message in the code has its Chinese and its
// English text in the catalogue, and the catalogue holds nothing else.
func TestCatalogueComplete(t *testing.T) {
	found := messageFormats(t)
	if len(found) < 50 {
		t.Fatalf("found only %d messages: the scanner is broken", len(found))
	}
	var missing []string
	for f, at := range found {
		if !catalogued[f] {
			missing = append(missing, at+": "+strconv.Quote(f))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("not in the catalogue (routes/messages.go): %s", m)
	}
	seen := map[string]bool{}
	for _, e := range catalogue {
		if seen[e.key] {
			t.Errorf("catalogue key twice: %q", e.key)
		}
		seen[e.key] = true
		zh, en := e.zh, e.en
		if zh == "" {
			zh = e.key
		}
		if en == "" {
			en = e.key
		}
		if !isChinese(zh) {
			t.Errorf("no Chinese for %q", e.key)
		}
		if !englishWords.MatchString(en) || en == zh {
			t.Errorf("no English for %q", e.key)
		}
		if strings.Count(zh, "%") != strings.Count(en, "%") || strings.Count(e.key, "%") != strings.Count(zh, "%") {
			t.Errorf("%q: the translations do not take the same arguments", e.key)
		}
		if _, ok := found[e.key]; !ok && !envelopeKeys[e.key] {
			t.Errorf("catalogue key no longer in the code: %q", e.key)
		}
	}
}

// englishWords finds an English word (an English message may quote a
// Chinese column name, such as 身份证号).
var englishWords = regexp.MustCompile(`[A-Za-z]{3,}`)

// envelopeKeys are messages the scanner cannot see as literals.
var envelopeKeys = map[string]bool{}

// TestLocalize: Chinese by default and for zh, English for en; arguments
// fill both; a passed-through catalogued text is translated too.
func TestLocalize(t *testing.T) {
	m := errs.M("must be 1 to %d characters long", 50)
	zh, en := localize(printerOf(language.Chinese), m), localize(printerOf(language.English), m)
	if !isChinese(zh) || !strings.Contains(zh, "50") || en != "must be 1 to 50 characters long" {
		t.Fatalf("zh %q en %q", zh, en)
	}
	pass := errs.M("%s", "must be a date YYYY-MM-DD")
	if got := localize(printerOf(language.Chinese), pass); !isChinese(got) {
		t.Fatalf("passed-through text not translated: %q", got)
	}
}

// TestQuotaMessageArguments: a translation may reorder its arguments.
func TestQuotaMessageArguments(t *testing.T) {
	m := errs.M("%d cadres would be graded %s, but the quota of %d%% of %d appraised cadres allows %d", 3, "excellent", 20, 10, 2)
	zh := localize(printerOf(language.Chinese), m)
	if !strings.Contains(zh, "参评 10 人的 20%") || !strings.Contains(zh, "只有 2 个") || !strings.HasPrefix(zh, "将有 3 名") {
		t.Fatalf("zh %q", zh)
	}
}
