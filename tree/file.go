package tree

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"sothon/flows/poverty"
)

// node is the file format: a tree with local ids.
type node struct {
	ID              string   `yaml:"id"`
	Name            string   `yaml:"name"`
	Kind            string   `yaml:"kind"`
	HouseholdsTotal int      `yaml:"households_total"`
	Targets         []Target `yaml:"targets"`
	Households      []string `yaml:"households"`
	Children        []*node  `yaml:"children"`
}

//go:embed *.yaml plans/*.yaml
var builtinFiles embed.FS

// Default is the embedded area tree of Bắc Kạn city (2023).
func Default() []Area {
	areas, err := Builtin("bac-kan")
	if err != nil {
		panic("tree: embedded areas: " + err.Error())
	}
	return areas
}

// BuiltinTrees name the area trees built in: Bắc Kạn city as of 2023,
// and the same villages in Thái Nguyên province after 1/7/2025.
var BuiltinTrees = []string{"bac-kan", "thai-nguyen-2025"}

// Builtin reads a built-in area tree by its name.
func Builtin(name string) ([]Area, error) {
	data, err := builtinFiles.ReadFile(name + ".yaml")
	if err != nil || !slices.Contains(BuiltinTrees, name) {
		return nil, fmt.Errorf("tree: no built-in area tree %q (there are %s)", name, strings.Join(BuiltinTrees, ", "))
	}
	return Parse(data)
}

// BuiltinPlan reads a built-in reorganisation plan by its name.
func BuiltinPlan(name string) (Plan, []byte, error) {
	data, err := builtinFiles.ReadFile("plans/" + name + ".yaml")
	if err != nil {
		return Plan{}, nil, fmt.Errorf("tree: no built-in plan %q", name)
	}
	p, err := ParsePlan(data)
	return p, data, err
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

var kinds = map[string]bool{Province: true, City: true, District: true, Ward: true, Commune: true, Village: true}

// Parse reads an area tree, checks it and flattens it, parents first.
func Parse(data []byte) ([]Area, error) {
	var root node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("tree: areas file: %w", err)
	}
	var out []Area
	if _, err := flatten(&root, "", poverty.Urban, &out); err != nil {
		return nil, fmt.Errorf("tree: areas file: %w", err)
	}
	return out, nil
}

// flatten appends n and its subtree, returning n's household total.
func flatten(n *node, parent string, setting poverty.Kind, out *[]Area) (int, error) {
	if !slugPattern.MatchString(n.ID) {
		return 0, fmt.Errorf("area id %q: use lowercase ASCII letters, digits and -", n.ID)
	}
	id := n.ID
	if parent != "" {
		id = parent + "/" + n.ID
	}
	if strings.TrimSpace(n.Name) == "" || !kinds[n.Kind] {
		return 0, fmt.Errorf("area %s: needs a name and a kind (province, city, district, ward, commune or village)", id)
	}
	switch n.Kind {
	case Ward:
		setting = poverty.Urban
	case Commune:
		setting = poverty.Rural
	}
	if n.Kind == Village && len(n.Children) > 0 {
		return 0, fmt.Errorf("area %s: a village has no sub-areas", id)
	}
	if n.HouseholdsTotal < 0 || (len(n.Children) > 0 && n.HouseholdsTotal != 0) {
		return 0, fmt.Errorf("area %s: households_total belongs on villages, not on areas above them", id)
	}
	pos := len(*out)
	*out = append(*out, Area{ID: id, Name: n.Name, Kind: n.Kind, Setting: setting, Parent: parent,
		Targets: n.Targets, Demo: n.Households, Order: pos})
	total := n.HouseholdsTotal
	seen := map[string]bool{}
	for _, c := range n.Children {
		if seen[c.ID] {
			return 0, fmt.Errorf("area %s: sub-area %q twice", id, c.ID)
		}
		seen[c.ID] = true
		t, err := flatten(c, id, setting, out)
		if err != nil {
			return 0, err
		}
		total += t
	}
	(*out)[pos].HouseholdsTotal = total
	return total, nil
}
