package flows

import (
	"slices"
	"strings"

	"sothon/flows/poverty"
)

// Roles bind questions to meanings the code relies on. The poverty
// classification reads the household's members, working-age people,
// income, floor area and the ten yes/no indicators by role, so renaming a
// question id can never silently change a classification.
const (
	RoleMembers    = "members"
	RoleWorkingAge = "working_age"
	RoleIncome     = "income"
	RoleHouseArea  = "house_area"
	RoleClass      = "class" // the calculated classification, kept with the submission
)

// indicatorRoles are the yes/no indicators, as "indicator." + name.
var indicatorRoles = []string{"job", "nutrition", "insurance", "adult_education", "schooling",
	"house_quality", "water", "latrine", "internet", "info_means"}

// roleTypes is every known role with the question type it must have.
var roleTypes = func() map[string]Type {
	m := map[string]Type{RoleMembers: Integer, RoleWorkingAge: Integer, RoleIncome: Decimal,
		RoleHouseArea: Decimal, RoleClass: Calculate}
	for _, name := range indicatorRoles {
		m["indicator."+name] = YesNo
	}
	return m
}()

// povertyRoles are the roles poverty_lacking() and poverty_class() need.
func povertyRoles() []string {
	out := []string{RoleMembers, RoleWorkingAge, RoleIncome, RoleHouseArea}
	for _, name := range indicatorRoles {
		out = append(out, "indicator."+name)
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
	if !usesPoverty {
		return
	}
	var missing []string
	for _, role := range povertyRoles() {
		if f.roles[role] == "" {
			missing = append(missing, role)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		c.add("", "poverty_lacking() and poverty_class() need a question with each role; missing: %s", strings.Join(missing, ", "))
	}
}

// Lacking lists the deprivation indicators a household lacks by its stored
// answers (for the lists posted in the village).
func (f *Form) Lacking(answers map[string]string) []poverty.Indicator {
	env := map[string]any{}
	for _, q := range f.Questions {
		if a, ok := answers[q.ID]; ok && q.Type != Calculate {
			env[q.ID] = typed(q.Type, a)
		}
	}
	return f.povertyHousehold(env).Lacking()
}

// povertyHousehold reads the household's answers by their roles.
func (f *Form) povertyHousehold(env map[string]any) poverty.Profile {
	val := func(role string) any { return env[f.roles[role]] }
	i := func(role string) int { v, _ := val(role).(int); return v }
	d := func(role string) float64 { v, _ := val(role).(float64); return v }
	b := func(name string) bool { v, _ := val("indicator." + name).(bool); return v }
	return poverty.Profile{
		Members: i(RoleMembers), WorkingAge: i(RoleWorkingAge), Income: d(RoleIncome),
		NoStableJob: b("job"), Malnourished: b("nutrition"), Uninsured: b("insurance"),
		AdultUndereducated: b("adult_education"), ChildOutOfSchool: b("schooling"),
		PoorHouse: b("house_quality"), HouseArea: d(RoleHouseArea),
		CleanWater: b("water"), HygienicLatrine: b("latrine"),
		UsesTelecom: b("internet"), HasInfoMeans: b("info_means"),
	}
}
