package locales

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

	"go.yaml.in/yaml/v3"
)

func readKeys(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := files.ReadFile(lang + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.yaml: %v", lang, err)
	}
	return m
}

func TestEveryLanguageHasEveryKey(t *testing.T) {
	all := map[string]bool{}
	byLang := map[string]map[string]string{}
	for _, lang := range Languages {
		byLang[lang] = readKeys(t, lang)
		for k := range byLang[lang] {
			all[k] = true
		}
	}
	for k := range all {
		for _, lang := range Languages {
			v, ok := byLang[lang][k]
			switch {
			case !ok:
				t.Errorf("%s.yaml lacks %q", lang, k)
			case strings.TrimSpace(v) == "":
				t.Errorf("%s.yaml: %q is empty", lang, k)
			}
		}
	}
}

var keyShape = regexp.MustCompile(`^[a-z]+\.[a-z_]+$`)

// TestEveryKeyUsedExists finds string literals in the program's code that
// look like keys of a namespace the catalog has, and checks each exists.
func TestEveryKeyUsedExists(t *testing.T) {
	keys := readKeys(t, Default)
	namespaces := map[string]bool{}
	for k := range keys {
		ns, _, _ := strings.Cut(k, ".")
		namespaces[ns] = true
	}
	used := 0
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			ns, _, _ := strings.Cut(s, ".")
			if keyShape.MatchString(s) && namespaces[ns] {
				used++
				if _, ok := keys[s]; !ok {
					t.Errorf("%s uses %q, which is not in %s.yaml", path, s, Default)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used < 30 {
		t.Fatalf("found only %d key uses: is the walk looking at the code?", used)
	}
}

func TestTranslateAndNumbers(t *testing.T) {
	c := MustLoad()
	if got := c.T("en", "answer.range", "min", 1, "max", 30); got != "Please give a number from 1 to 30." {
		t.Errorf("en: %q", got)
	}
	if got := c.T("vi", "answer.range", "min", 1, "max", 30); got != "Cần một số từ 1 đến 30." {
		t.Errorf("vi: %q", got)
	}
	if got := c.T("vi", "no.such_key"); got != "[no.such_key]" {
		t.Errorf("missing key: %q", got)
	}
	for _, tt := range []struct {
		lang string
		x    float64
		want string
	}{{"vi", 12232, "12.232"}, {"en", 12232, "12,232"}, {"vi", 3.5, "3,5"}, {"vi", 0.875, "0,875"}} {
		if got := Number(tt.lang, tt.x, 3); got != tt.want {
			t.Errorf("Number(%s, %v) = %q, want %q", tt.lang, tt.x, got, tt.want)
		}
	}
	if got := Percent("vi", 285.0/12232); got != "2,33%" {
		t.Errorf("Percent = %q, want 2,33%%", got)
	}
}
