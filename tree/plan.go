package tree

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"sothon/flows/poverty"
)

// A reorganisation merges, renames and moves areas from a date on, as the
// provinces and communes were rearranged on 1/7/2025 (two tiers, no
// district). The store applies a plan to what it holds (store.Reorganise).

// Plan is a reorganisation as a province writes it (see
// tree/plans/bac-kan-2025.yaml).
type Plan struct {
	Effective string     `yaml:"effective"` // YYYY-MM-DD
	Top       PlanTop    `yaml:"top"`
	Units     []PlanUnit `yaml:"units"`
}

// PlanTop is the new top of the tree and the old one it replaces.
type PlanTop struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	Kind string `yaml:"kind"`
	From string `yaml:"from"`
}

// PlanUnit is a ward or commune of the new tree, with what it takes in:
// whole areas of the old tree (all their villages), and villages moved one
// by one or given a new id where two of the same id would meet.
type PlanUnit struct {
	ID       string        `yaml:"id"`
	Name     string        `yaml:"name"`
	Kind     string        `yaml:"kind"`
	From     []string      `yaml:"from"`
	Villages []PlanVillage `yaml:"villages"`
}

// PlanVillage moves one village (From, its old id) into the unit; ID and
// Name, when set, replace its local id and its name; the villages of Merge
// (old ids) join it, as the village mergers of 2026 will do.
type PlanVillage struct {
	From  string   `yaml:"from"`
	ID    string   `yaml:"id"`
	Name  string   `yaml:"name"`
	Merge []string `yaml:"merge"`
}

// ErrPlan is a plan that does not fit the areas it is applied to.
var ErrPlan = errors.New("tree: reorganisation plan")

// ParsePlan reads a plan file.
func ParsePlan(data []byte) (Plan, error) {
	var p Plan
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return Plan{}, fmt.Errorf("%w: %v", ErrPlan, err)
	}
	if _, err := time.Parse(time.DateOnly, p.Effective); err != nil {
		return Plan{}, fmt.Errorf("%w: effective: a date YYYY-MM-DD", ErrPlan)
	}
	return p, nil
}

// Apply computes the tree after the plan from the tree before it, and the
// new id of every old area. Each old village goes to exactly one new unit;
// an area above villages goes to the smallest new area holding all of its
// villages (the top when they went to several units).
func (p Plan) Apply(old []Area) ([]Area, map[string]string, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrPlan, fmt.Sprintf(format, args...))
	}
	byID := map[string]Area{}
	for _, a := range old {
		byID[a.ID] = a
	}
	top, ok := byID[p.Top.From]
	if !ok || top.Parent != "" {
		return nil, nil, bad("top.from %q is not the top of the tree", p.Top.From)
	}
	if !slugPattern.MatchString(p.Top.ID) || strings.TrimSpace(p.Top.Name) == "" || !kinds[p.Top.Kind] || p.Top.Kind == Village {
		return nil, nil, bad("top: needs an id, a name and a kind")
	}
	newTop := Area{ID: p.Top.ID, Name: p.Top.Name, Kind: p.Top.Kind, Setting: top.Setting}
	out := []Area{newTop}
	mapping := map[string]string{top.ID: newTop.ID}
	placed := map[string]string{} // old village → new village
	// Villages a unit names on their own, outside the areas it takes in
	// whole, and those merged into another village, are left out of the
	// whole areas they were in.
	claimed := map[string]bool{}
	for _, u := range p.Units {
		for _, pv := range u.Villages {
			if !slices.ContainsFunc(u.From, func(f string) bool { return Within(pv.From, f) }) {
				claimed[pv.From] = true
			}
			for _, m := range pv.Merge {
				claimed[m] = true
			}
		}
	}
	units := map[string]bool{}
	for _, u := range p.Units {
		if !slugPattern.MatchString(u.ID) || strings.TrimSpace(u.Name) == "" || (u.Kind != Ward && u.Kind != Commune) {
			return nil, nil, bad("unit %q: needs an id (lowercase letters, digits, -), a name and a kind (ward or commune)", u.ID)
		}
		if units[u.ID] {
			return nil, nil, bad("unit %q twice", u.ID)
		}
		units[u.ID] = true
		uid := newTop.ID + "/" + u.ID
		setting := settingOf(u.Kind)
		out = append(out, Area{ID: uid, Name: u.Name, Kind: u.Kind, Setting: setting, Parent: newTop.ID})
		local := map[string]string{} // local id → old village, to catch two of one id
		place := func(v Area, pv PlanVillage) error {
			if _, done := placed[v.ID]; done {
				return bad("village %s is placed twice", v.ID)
			}
			id := pv.ID
			if id == "" {
				id = v.ID[strings.LastIndex(v.ID, "/")+1:]
			}
			if !slugPattern.MatchString(id) {
				return bad("village %s: id %q: use lowercase ASCII letters, digits and -", v.ID, id)
			}
			if other, clash := local[id]; clash {
				return bad("%s and %s would both be %s/%s: give one an id under villages", other, v.ID, uid, id)
			}
			local[id] = v.ID
			nv := v
			nv.ID, nv.Parent, nv.Setting = uid+"/"+id, uid, setting
			if pv.Name != "" {
				nv.Name = pv.Name
			}
			placed[v.ID] = nv.ID
			for _, m := range pv.Merge {
				mv, ok := byID[m]
				if _, done := placed[m]; done || !ok || mv.Kind != Village {
					return bad("village %s: merge %q is no village of the tree left to merge", v.ID, m)
				}
				placed[m] = nv.ID
				nv.HouseholdsTotal += mv.HouseholdsTotal
				nv.Demo = append(slices.Clone(nv.Demo), mv.Demo...)
			}
			out = append(out, nv)
			return nil
		}
		mine := map[string]PlanVillage{}
		for _, pv := range u.Villages {
			mine[pv.From] = pv
		}
		for _, from := range u.From {
			a, ok := byID[from]
			if !ok || a.Kind == Village || from == top.ID {
				return nil, nil, bad("unit %s: from %q is no ward, commune or district of the tree", u.ID, from)
			}
			mapping[from] = uid
			for _, v := range old {
				if v.Kind != Village || !Within(v.ID, from) {
					continue
				}
				pv, listed := mine[v.ID]
				if !listed && claimed[v.ID] {
					continue // moved on its own, or merged into another village
				}
				if err := place(v, pv); err != nil {
					return nil, nil, err
				}
			}
		}
		for _, pv := range u.Villages {
			if to, done := placed[pv.From]; done && strings.HasPrefix(to, uid+"/") {
				continue // taken in with its unit
			}
			v, ok := byID[pv.From]
			if !ok || v.Kind != Village {
				return nil, nil, bad("unit %s: village %q is not in the tree", u.ID, pv.From)
			}
			if err := place(v, pv); err != nil {
				return nil, nil, err
			}
		}
	}
	var missing []string
	for _, a := range old {
		if a.Kind == Village {
			if _, ok := placed[a.ID]; !ok {
				missing = append(missing, a.ID)
			}
		}
	}
	if len(missing) > 0 {
		return nil, nil, bad("no unit takes in %s", strings.Join(missing, ", "))
	}
	for old, nv := range placed {
		mapping[old] = nv
	}
	// Areas above villages not taken whole: the smallest new area that
	// holds all their villages.
	for _, a := range old {
		if _, ok := mapping[a.ID]; ok {
			continue
		}
		to := ""
		for v, nv := range placed {
			if !Within(v, a.ID) {
				continue
			}
			parent := nv[:strings.LastIndex(nv, "/")]
			if to == "" || to == parent {
				to = parent
			} else {
				to = newTop.ID
			}
		}
		if to == "" {
			to = newTop.ID
		}
		mapping[a.ID] = to
	}
	// Targets follow their areas, added up by year where areas merged;
	// households totals are added up again.
	targets := map[string]map[int]int{}
	for _, a := range old {
		for _, t := range a.Targets {
			to := mapping[a.ID]
			if targets[to] == nil {
				targets[to] = map[int]int{}
			}
			targets[to][t.Year] += t.PoorReduction
		}
	}
	index := map[string]int{}
	for i := range out {
		out[i].Order = i
		out[i].Targets = nil
		for year, n := range targets[out[i].ID] {
			out[i].Targets = append(out[i].Targets, Target{Year: year, PoorReduction: n})
		}
		slices.SortFunc(out[i].Targets, func(a, b Target) int { return a.Year - b.Year })
		index[out[i].ID] = i
		if out[i].Kind != Village {
			out[i].HouseholdsTotal = 0
		}
	}
	for _, a := range slices.Backward(out) {
		if a.Parent != "" {
			out[index[a.Parent]].HouseholdsTotal += a.HouseholdsTotal
		}
	}
	return out, mapping, nil
}

// settingOf is the poverty line a ward (urban) or commune (rural) uses.
func settingOf(kind string) poverty.Kind {
	if kind == Commune {
		return poverty.Rural
	}
	return poverty.Urban
}
