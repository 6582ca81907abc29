package flows

import (
	"slices"
	"strings"

	"github.com/expr-lang/expr"

	"sothon/flows/poverty"
)

// Roles bind questions to meanings the code relies on. The poverty
// classification reads the household's members, working-age people,
// income, floor area and the yes/no indicators by role, so renaming a
// question id can never silently change a classification.
const (
	RoleMembers    = "members"
	RoleWorkingAge = "working_age"
	RoleIncome     = "income"
	RoleHouseArea  = "house_area"
	RoleClass      = "class" // the calculated classification, kept with the submission
)

// Counting roles: what a form's submissions add to its village's counters
// (store/counting) is read by these, whatever the questions' ids. A form
// that gives one role of a group gives them all.
const (
	RoleModel         = "model"           // which livelihood model the household takes part in
	RoleModelStatus   = "model.status"    // its participation status
	RoleModelBelowMin = "model.below_min" // "yes" below the model's minimum scale
	RoleModelCofund   = "model.cofund"    // "no" when the household cannot co-fund 40%

	RoleTrainingPerson    = "training.person"     // the person asked (one record per person of a household)
	RoleTrainingWants     = "training.wants"      // wants vocational training
	RoleTrainingTrade     = "training.trade"      // the trade wanted
	RoleTrainingJob       = "training.job"        // wants job placement
	RoleTrainingAbroad    = "training.abroad"     // interested in contract work abroad
	RoleTrainingLowIncome = "training.low_income" // "yes" for a low-income worker (NĐ 30/2025)
)

// countingGroups are the counting roles by group: a form with any role of
// a group must give every one, or its counters would be read half.
var countingGroups = []struct {
	Name  string
	Roles []string
}{
	{"model", []string{RoleModel, RoleModelStatus, RoleModelBelowMin, RoleModelCofund}},
	{"training", []string{RoleTrainingPerson, RoleTrainingWants, RoleTrainingTrade, RoleTrainingJob,
		RoleTrainingAbroad, RoleTrainingLowIncome}},
}

// yesNoCalculations are the calculate roles read as "yes" or "no": their
// calculation must give true or false.
var yesNoCalculations = []string{RoleModelBelowMin, RoleTrainingLowIncome}

// roleChoices are the choices a select_one role's list must offer, for the
// counters read that answer.
var roleChoices = map[string]string{RoleModelCofund: "no"}

// indicatorRoles are the yes/no indicators, as "indicator." + name.
var indicatorRoles = []string{"job", "nutrition", "insurance", "adult_education", "schooling",
	"house_quality", "water", "latrine", "waste", "internet", "info_means"}

// indicatorNeeds are the roles each indicator is read from.
var indicatorNeeds = map[poverty.Indicator][]string{
	poverty.Employment: {"indicator.job"}, poverty.Dependants: {RoleMembers, RoleWorkingAge},
	poverty.Nutrition: {"indicator.nutrition"}, poverty.Insurance: {"indicator.insurance"},
	poverty.AdultEducation: {"indicator.adult_education"}, poverty.ChildSchooling: {"indicator.schooling"},
	poverty.HousingQuality: {"indicator.house_quality"}, poverty.FloorArea: {RoleMembers, RoleHouseArea},
	poverty.Water: {"indicator.water"}, poverty.Latrine: {"indicator.latrine"}, poverty.Waste: {"indicator.waste"},
	poverty.Telecom: {"indicator.internet"}, poverty.InfoMeans: {"indicator.info_means"},
}

// roleTypes is every known role with the question type it must have.
var roleTypes = func() map[string]Type {
	m := map[string]Type{RoleMembers: Integer, RoleWorkingAge: Integer, RoleIncome: Decimal,
		RoleHouseArea: Decimal, RoleClass: Calculate,
		RoleModel: SelectOne, RoleModelStatus: SelectOne, RoleModelBelowMin: Calculate, RoleModelCofund: SelectOne,
		RoleTrainingPerson: Text, RoleTrainingWants: YesNo, RoleTrainingTrade: SelectOne, RoleTrainingJob: YesNo,
		RoleTrainingAbroad: YesNo, RoleTrainingLowIncome: Calculate}
	for _, name := range indicatorRoles {
		m["indicator."+name] = YesNo
	}
	return m
}()

// povertyRoles are the roles a classification by a standard reads.
func povertyRoles(s poverty.Standard) []string {
	out := []string{RoleMembers, RoleIncome}
	for _, ind := range s.Indicators {
		for _, role := range indicatorNeeds[ind] {
			if !slices.Contains(out, role) {
				out = append(out, role)
			}
		}
	}
	return out
}

// Covers reports whether the form asks everything a standard's
// classification reads.
func (f *Form) Covers(s poverty.Standard) bool {
	// povertyRoles(s), without making the list: every pass of the
	// expressions asks.
	if f.roles[RoleMembers] == "" || f.roles[RoleIncome] == "" {
		return false
	}
	for _, ind := range s.Indicators {
		for _, role := range indicatorNeeds[ind] {
			if f.roles[role] == "" {
				return false
			}
		}
	}
	return true
}

// StandardFor is the standard a run of the form classifies by: the one in
// force on the day the circumstances classify for (a round's), when the
// form asks all it reads; else the form's own.
func (f *Form) StandardFor(c Circumstances) poverty.Standard {
	ss := c.Standards
	if len(ss) == 0 {
		ss = poverty.Default()
	}
	day := c.ClassifyAt
	if day.IsZero() {
		day = c.Now
	}
	if s := ss.At(day); f.Covers(s) {
		return s
	}
	if s, ok := ss.ByID(f.Standard); ok {
		return s
	}
	if s, ok := poverty.Default().ByID(f.Standard); ok {
		return s
	}
	return ss[0]
}

// Classes classifies the answers by every standard the form covers,
// standard id → class: during a change of standards the same answers give
// the class under the old and the new.
func (f *Form) Classes(answers map[string]string, c Circumstances) map[string]string {
	ss := c.Standards
	if len(ss) == 0 {
		ss = poverty.Default()
	}
	h := f.povertyHousehold(f.answerEnv(answers))
	out := map[string]string{}
	for _, s := range ss {
		if f.Covers(s) {
			out[s.ID] = string(poverty.Assess(h, c.Kind, s).Class)
		}
	}
	return out
}

// ByRole returns the question bound to role, or nil.
func (f *Form) ByRole(role string) *Question {
	if id, ok := f.roles[role]; ok {
		return f.Question(id)
	}
	return nil
}

// checkRoles refuses unknown or repeated roles, a role on a question of the
// wrong type, and a call of the poverty functions without every role they
// read.
func (c *checker) checkRoles() {
	f := c.f
	f.roles = map[string]string{}
	usesPoverty := false
	for _, q := range f.Questions {
		if q == nil {
			continue
		}
		for _, code := range []string{q.Relevant, q.Constraint, q.Calculate} {
			usesPoverty = usesPoverty || strings.Contains(code, "poverty_lacking") || strings.Contains(code, "poverty_class")
		}
		if q.Role == "" {
			continue
		}
		want, known := roleTypes[q.Role]
		switch {
		case !known:
			c.add(q.ID, "unknown role %q", q.Role)
		case q.Type != want:
			c.add(q.ID, "role %s needs a question of type %s", q.Role, want)
		case f.roles[q.Role] != "":
			c.add(q.ID, "role %s is also given to question %s", q.Role, f.roles[q.Role])
		default:
			f.roles[q.Role] = q.ID
		}
	}
	c.checkCountingRoles()
	standards := poverty.Default()
	std, known := standards.ByID(f.Standard)
	switch {
	case f.Standard != "" && !known:
		c.add("", "standard %q is not one of the poverty standards (%s)", f.Standard, standardIDs(standards))
		return
	case !usesPoverty && f.Standard == "":
		return
	case f.Standard == "":
		std = standards[0]
	}
	var missing []string
	for _, role := range povertyRoles(std) {
		if f.roles[role] == "" {
			missing = append(missing, role)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		c.add("", "classifying by %s (%s) needs a question with each role; missing: %s", std.ID, std.Name, strings.Join(missing, ", "))
	}
}

// checkCountingRoles refuses a form that gives part of a counting group,
// a yes/no role whose calculation gives something else, and a choice role
// whose list lacks the choice the counters read.
func (c *checker) checkCountingRoles() {
	f := c.f
	for _, g := range countingGroups {
		var given, missing []string
		for _, role := range g.Roles {
			if f.roles[role] != "" {
				given = append(given, role)
			} else {
				missing = append(missing, role)
			}
		}
		if len(given) > 0 && len(missing) > 0 {
			c.add("", "counting %s needs a question with each of its roles; missing: %s", g.Name, strings.Join(missing, ", "))
		}
	}
	for _, role := range yesNoCalculations {
		q := f.ByRole(role)
		if q == nil || q.progs.calculate == nil { // a calculation that does not compile is told already
			continue
		}
		if _, msg := f.compileExpr(f.index[q.ID], q, "calculate", q.Calculate, expr.AsBool()); msg != "" {
			c.add(q.ID, "role %s needs a calculation that gives true or false", role)
		}
	}
	for role, name := range roleChoices {
		q := f.ByRole(role)
		if q == nil {
			continue
		}
		if !slices.ContainsFunc(f.Choices[q.List], func(ch Choice) bool { return ch.Name == name }) {
			c.add(q.ID, "role %s needs a list with the choice %q", role, name)
		}
	}
}

// CountedAnswers are the answers bound to the counting roles, by role:
// what the village counters read of a submission.
func (f *Form) CountedAnswers(answers map[string]string) map[string]string {
	var out map[string]string
	for _, g := range countingGroups {
		for _, role := range g.Roles {
			a, ok := answers[f.roles[role]]
			if !ok || f.roles[role] == "" {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			out[role] = a
		}
	}
	return out
}

func standardIDs(standards poverty.Standards) string {
	ids := make([]string, len(standards))
	for i, s := range standards {
		ids[i] = s.ID
	}
	return strings.Join(ids, ", ")
}

// Lacking lists the indicators of a standard a household lacks by its
// stored answers (for the lists posted in the village).
func (f *Form) Lacking(answers map[string]string, s poverty.Standard) []poverty.Indicator {
	return s.Lacking(f.povertyHousehold(f.answerEnv(answers)))
}

// answerEnv is the typed answers, without calculations.
func (f *Form) answerEnv(answers map[string]string) map[string]any {
	env := map[string]any{}
	for _, q := range f.Questions {
		if a, ok := answers[q.ID]; ok && q.Type != Calculate {
			env[q.ID] = typed(q.Type, a)
		}
	}
	return env
}

// povertyHousehold reads the household's answers by their roles.
func (f *Form) povertyHousehold(env map[string]any) poverty.Profile {
	var v profileValues
	for k, role := range profileRoles {
		v[k] = env[f.roles[role]]
	}
	return v.profile()
}

// profileRoles are the roles a poverty.Profile is read from, in the order
// profileValues.profile takes them.
var profileRoles = [...]string{RoleMembers, RoleWorkingAge, RoleIncome, RoleHouseArea,
	"indicator.job", "indicator.nutrition", "indicator.insurance", "indicator.adult_education", "indicator.schooling",
	"indicator.house_quality", "indicator.water", "indicator.latrine", "indicator.waste", "indicator.internet",
	"indicator.info_means"}

// profileValues are the values of profileRoles' questions, nil for one
// the form does not have or has not reached.
type profileValues [len(profileRoles)]any

func (v *profileValues) profile() poverty.Profile {
	i := func(k int) int { n, _ := v[k].(int); return n }
	d := func(k int) float64 { x, _ := v[k].(float64); return x }
	b := func(k int) bool { y, _ := v[k].(bool); return y }
	return poverty.Profile{
		Members: i(0), WorkingAge: i(1), Income: d(2), HouseArea: d(3),
		NoStableJob: b(4), Malnourished: b(5), Uninsured: b(6), AdultUndereducated: b(7), ChildOutOfSchool: b(8),
		PoorHouse: b(9), CleanWater: b(10), HygienicLatrine: b(11), HandlesWaste: b(12), UsesTelecom: b(13),
		HasInfoMeans: b(14),
	}
}

// RoleChoices is the choice list of the question bound to role, in the
// first form of the set that gives it one: the models or trades the
// figures list, whatever the form and the list are called.
func (s *Set) RoleChoices(role string) []Choice {
	for _, f := range s.Forms {
		if q := f.ByRole(role); q != nil && q.List != "" {
			return f.Choices[q.List]
		}
	}
	return nil
}
