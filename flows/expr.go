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
	}
	for _, q := range f.Questions[:upTo] {
		env[q.ID] = zeroOf(q.Type)
	}
	if self != nil {
		env[valueName] = zeroOf(self.Type)
	}
	return env
}

// zeroOf is the value a question has in expressions before it is answered
// or when it is skipped, so that skip logic never fails on a gap.
func zeroOf(t Type) any {
	switch t {
	case Integer:
		return 0
	case Decimal:
		return 0.0
	case YesNo:
		return false
	case SelectMultiple:
		return []string{}
	case Calculate:
		return nil
	default:
		return ""
	}
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

// Facts are what expressions know beyond the answers: when and where.
type Circumstances struct {
	Now       time.Time
	Kind      poverty.Kind
	Standards poverty.Standards
	// ClassifyAt is the day whose standard classifies (an annual round's
	// next 1 January); zero classifies by the standard in force Now.
	ClassifyAt time.Time
}

// values builds the runtime environment from answers, in form order,
// computing relevance and calculations as it goes. It returns the
// environment and which questions are relevant.
func (f *Form) values(answers map[string]string, facts Circumstances) (map[string]any, map[string]bool) {
	env := make(map[string]any, len(f.Questions)+len(builtinNames))
	env["this_year"] = facts.Now.Year()
	env["today"] = facts.Now.Format(time.DateOnly)
	env["choice_min"] = func(list, name string) float64 {
		c, _ := f.Choice(list, name)
		return c.Min
	}
	std := f.StandardFor(facts)
	env["poverty_lacking"] = func() int { return len(std.Lacking(f.povertyHousehold(env))) }
	env["poverty_class"] = func() string {
		return string(poverty.Assess(f.povertyHousehold(env), facts.Kind, std).Class)
	}
	relevant := make(map[string]bool, len(f.Questions))
	for _, q := range f.Questions {
		env[q.ID] = zeroOf(q.Type)
		if q.progs.relevant != nil && !runBool(q.progs.relevant, env) {
			continue
		}
		relevant[q.ID] = true
		if q.Type == Calculate {
			env[q.ID] = runValue(q.progs.calculate, env)
			continue
		}
		if a, ok := answers[q.ID]; ok {
			env[q.ID] = typed(q.Type, a)
		}
	}
	return env, relevant
}

// typed turns a stored answer into the value expressions see.
func typed(t Type, a string) any {
	switch t {
	case Integer:
		n, _ := strconv.Atoi(a)
		return n
	case Decimal:
		x, _ := strconv.ParseFloat(a, 64)
		return x
	case YesNo:
		return a == "yes"
	case SelectMultiple:
		if a == "" {
			return []string{}
		}
		return strings.Split(a, ";")
	default:
		return a
	}
}

// runBool evaluates a condition; an expression that fails at run time (a
// division by zero, say) counts as false rather than stopping the run.
func runBool(p *vm.Program, env map[string]any) bool {
	out, err := expr.Run(p, env)
	b, ok := out.(bool)
	return err == nil && ok && b
}

func runValue(p *vm.Program, env map[string]any) any {
	out, err := expr.Run(p, env)
	if err != nil {
		return nil
	}
	if x, ok := out.(float64); ok && (math.IsInf(x, 0) || math.IsNaN(x)) {
		return nil
	}
	return out
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
