package flows

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"sothon/flows/poverty"
)

// programs holds a question's compiled expressions.
type programs struct {
	relevant, constraint, calculate *vm.Program
}

// Names every expression may use besides earlier questions' ids.
var builtinNames = map[string]bool{
	"this_year": true, "today": true,
	"poverty_lacking": true, "poverty_class": true, "choice_min": true,
	"household_class": true, "household_income_pc": true, "low_income_line": true, "low_income": true,
}

// valueName is the answer being checked, in a constraint.
const valueName = "value"

// compileEnv is the set of names visible to an expression of question i,
// with zero values of the right types so that expr can type-check.
func (f *Form) compileEnv(upTo int, self *Question) map[string]any {
	env := map[string]any{
		"this_year":       0,
		"today":           "",
		"poverty_lacking": func() int { return 0 },
		"poverty_class":   func() string { return "" },
		"choice_min":      func(list, name string) float64 { return 0 },
		// The picked household's latest classification and the low-income
		// rule (NĐ 30/2025/NĐ-CP); see Circumstances.
		"household_class":     func() string { return "" },
		"household_income_pc": func() any { return nil },
		"low_income_line":     func() float64 { return 0 },
		"low_income":          func(class string, incomePC any) bool { return false },
	}
	for _, q := range f.Questions[:upTo] {
		env[q.ID] = zeroOf(q.Type)
	}
	if self != nil {
		env[valueName] = zeroOf(self.Type)
	}
	return env
}

// identifiers lists the variable and function names an expression uses.
func identifiers(code string) ([]string, error) {
	tree, err := parser.Parse(code)
	if err != nil {
		return nil, err
	}
	v := &identVisitor{seen: map[string]bool{}}
	ast.Walk(&tree.Node, v)
	sort.Strings(v.names)
	return v.names, nil
}

type identVisitor struct {
	seen  map[string]bool
	names []string
}

func (v *identVisitor) Visit(node *ast.Node) {
	var name string
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		name = n.Value
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			name = id.Value
		}
	}
	if name != "" && !v.seen[name] {
		v.seen[name] = true
		v.names = append(v.names, name)
	}
}

// compileExpr checks that code only names earlier questions or built-ins and
// compiles it. It returns a problem description, or "" when all is well.
func (f *Form) compileExpr(pos int, q *Question, field, code string, opts ...expr.Option) (*vm.Program, string) {
	names, err := identifiers(code)
	if err != nil {
		return nil, fmt.Sprintf("%s: does not parse: %s", field, firstLine(err.Error()))
	}
	for _, n := range names {
		if builtinNames[n] || (n == valueName && field == "constraint") {
			continue
		}
		i, ok := f.index[n]
		switch {
		case !ok:
			return nil, fmt.Sprintf("%s: unknown name %q", field, n)
		case i == pos:
			return nil, fmt.Sprintf("%s: refers to the question itself (use %q in a constraint)", field, valueName)
		case i >= pos:
			return nil, fmt.Sprintf("%s: refers to later question %q", field, n)
		}
	}
	var self *Question
	if field == "constraint" {
		self = q
	}
	prog, err := expr.Compile(code, append([]expr.Option{expr.Env(f.compileEnv(pos, self))}, opts...)...)
	if err != nil {
		return nil, fmt.Sprintf("%s: does not compile: %s", field, firstLine(err.Error()))
	}
	return prog, ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Circumstances are what expressions know beyond the answers: when and
// where, and what is on record of the household picked.
type Circumstances struct {
	Now       time.Time
	Kind      poverty.Kind
	Standards poverty.Standards
	// ClassifyAt is the day whose standard classifies (an annual round's
	// next 1 January); zero classifies by the standard in force Now.
	ClassifyAt time.Time
	// LowIncome are the dated low-income lines; while none is in force,
	// low_income_line() is 0 and low_income() marks nobody.
	LowIncome poverty.LowIncomeLines
	// Classification gives the latest classification of a household of
	// the register, for household_class() and household_income_pc(); nil,
	// or a zero Classification, when none is known.
	Classification func(householdID string) Classification
}

// Classification is what a household's latest classification says.
type Classification struct {
	Class poverty.Class // "" when the household has none
	// IncomePC is its income per person per month in million VND, when
	// IncomeKnown (a register entry gives a class without an income).
	IncomePC    float64
	IncomeKnown bool
}

// picked is the household answer's register id, "" for none or a new one.
func (f *Form) picked(answers map[string]string) string {
	for _, q := range f.Questions {
		if q.Type == HouseholdPick {
			if id := answers[q.ID]; id != NewHousehold {
				return id
			}
		}
	}
	return ""
}

// canonical turns a calculated value into its stored text.
func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64)
	case []string:
		return strings.Join(x, ";")
	default:
		return fmt.Sprint(x)
	}
}
