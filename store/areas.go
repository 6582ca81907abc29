package store

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
	"go.yaml.in/yaml/v3"

	"sothon/flows/poverty"
)

// Area kinds. Wards are urban and communes rural for the poverty lines;
// villages take the setting of the ward or commune they belong to.
const (
	KindProvince = "province"
	KindCity     = "city"
	KindDistrict = "district"
	KindWard     = "ward"
	KindCommune  = "commune"
	KindVillage  = "village"
)

// Target is a poverty-reduction goal of an area for one year.
type Target struct {
	Year          int `yaml:"year" json:"year"`
	PoorReduction int `yaml:"poor_reduction" json:"poor_reduction"` // fewer poor households by year end
}

// Area is a node of the area tree. ID is the full path ("bac-kan/huyen-tung").
type Area struct {
	ID              string       `json:"id"`
	Name            string       `json:"name"`
	Kind            string       `json:"kind"`
	Setting         poverty.Kind `json:"setting"`
	Parent          string       `json:"parent,omitempty"`
	HouseholdsTotal int          `json:"households_total"` // a village's own, or the sum below
	Targets         []Target     `json:"targets,omitempty"`
	Order           int          `json:"order"` // position in the file, to print the tree
	Demo            []string     `json:"-"`     // demo register names from the file
}

// areaNode is the file format: a tree with local ids.
type areaNode struct {
	ID              string      `yaml:"id"`
	Name            string      `yaml:"name"`
	Kind            string      `yaml:"kind"`
	HouseholdsTotal int         `yaml:"households_total"`
	Targets         []Target    `yaml:"targets"`
	Households      []string    `yaml:"households"`
	Children        []*areaNode `yaml:"children"`
}

//go:embed areas/*.yaml areas/plans/*.yaml
var builtinFiles embed.FS

// DefaultAreas is the embedded area tree of Bắc Kạn city (2023).
func DefaultAreas() []Area {
	areas, err := BuiltinAreas("bac-kan")
	if err != nil {
		panic("store: embedded areas: " + err.Error())
	}
	return areas
}

// BuiltinTrees name the area trees built in: Bắc Kạn city as of 2023,
// and the same villages in Thái Nguyên province after 1/7/2025.
var BuiltinTrees = []string{"bac-kan", "thai-nguyen-2025"}

// BuiltinAreas reads a built-in area tree by its name.
func BuiltinAreas(name string) ([]Area, error) {
	data, err := builtinFiles.ReadFile("areas/" + name + ".yaml")
	if err != nil || !slices.Contains(BuiltinTrees, name) {
		return nil, fmt.Errorf("store: no built-in area tree %q (there are %s)", name, strings.Join(BuiltinTrees, ", "))
	}
	return ParseAreas(data)
}

// BuiltinPlan reads a built-in reorganisation plan by its name.
func BuiltinPlan(name string) (Plan, []byte, error) {
	data, err := builtinFiles.ReadFile("areas/plans/" + name + ".yaml")
	if err != nil {
		return Plan{}, nil, fmt.Errorf("store: no built-in plan %q", name)
	}
	p, err := ParsePlan(data)
	return p, data, err
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

var kinds = map[string]bool{KindProvince: true, KindCity: true, KindDistrict: true, KindWard: true, KindCommune: true, KindVillage: true}

// ParseAreas reads an area tree, checks it and flattens it, parents first.
func ParseAreas(data []byte) ([]Area, error) {
	var root areaNode
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("store: areas file: %w", err)
	}
	var out []Area
	if _, err := flatten(&root, "", poverty.Urban, &out); err != nil {
		return nil, fmt.Errorf("store: areas file: %w", err)
	}
	return out, nil
}

// flatten appends n and its subtree, returning n's household total.
func flatten(n *areaNode, parent string, setting poverty.Kind, out *[]Area) (int, error) {
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
	case KindWard:
		setting = poverty.Urban
	case KindCommune:
		setting = poverty.Rural
	}
	if n.Kind == KindVillage && len(n.Children) > 0 {
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

// SaveAreas replaces the area tree and gives demo villages their demo
// register when it is still empty. Targets set in the console win over the
// file's for their year.
func (db *DB) SaveAreas(ctx context.Context, areas []Area) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		away, err := movedAway(tx)
		if err != nil {
			return err
		}
		for _, a := range areas {
			if m, ok := away[a.ID]; ok {
				return fmt.Errorf("%w: %s is %s since %s (use the tree after the reorganisation, e.g. builtin:thai-nguyen-2025)", ErrAreasReorganised, m.Old, m.New, m.Effective)
			}
		}
		if err := tx.DeleteBucket(bucketAreas); err != nil {
			return err
		}
		b, err := tx.CreateBucket(bucketAreas)
		if err != nil {
			return err
		}
		for _, a := range areas {
			a.Targets = withTargets(a.Targets, setTargets(tx, a.ID)...)
			if err := putJSON(b, []byte(a.ID), a); err != nil {
				return err
			}
			if err := seedDemo(tx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save areas: %w", err)
	}
	return nil
}

func seedDemo(tx *bolt.Tx, a Area) error {
	if len(a.Demo) == 0 {
		return nil
	}
	prefix := []byte(a.ID + "\x00")
	if k, _ := tx.Bucket(bucketHHByArea).Cursor().Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) {
		return nil
	}
	for i, name := range a.Demo {
		hh := &Household{ID: fmt.Sprintf("demo-%s-%02d", strings.ReplaceAll(a.ID, "/", "-"), i+1), AreaID: a.ID, HeadName: name}
		if err := putHousehold(tx, hh); err != nil {
			return err
		}
	}
	return nil
}

// Areas lists all areas in id order (parents before their sub-areas).
func (db *DB) Areas(ctx context.Context) ([]Area, error) {
	var out []Area
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAreas).ForEach(func(_, v []byte) error {
			var a Area
			if err := json.Unmarshal(v, &a); err != nil {
				return err
			}
			out = append(out, a)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: areas: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out, nil
}

// Area loads one area.
func (db *DB) Area(ctx context.Context, id string) (Area, error) {
	var a Area
	err := db.view(ctx, func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bucketAreas), []byte(id), &a) })
	if err != nil {
		return Area{}, fmt.Errorf("store: area %s: %w", id, err)
	}
	return a, nil
}

// kindWords are the words an area's name starts with that say its kind;
// a label leaves them out of the parent's name to stay short.
var kindWords = []string{"Phường ", "Xã ", "Đặc khu ", "Thị trấn ", "Quận ", "Huyện ", "Thành phố ", "Thị xã ", "Tỉnh "}

// ShortName is an area's name without the word for its kind ("Đức Xuân"
// for "Phường Đức Xuân").
func ShortName(a Area) string {
	for _, w := range kindWords {
		if rest, ok := strings.CutPrefix(a.Name, w); ok && rest != "" {
			return rest
		}
	}
	return a.Name
}

// Label names an area for people. Village names repeat from one ward to
// the next ("Tổ 1"), so a village is named with its parent: "Tổ 1 (Đức
// Xuân)".
func Label(a Area, parent Area) string {
	if a.Kind != KindVillage || parent.Name == "" {
		return a.Name
	}
	return a.Name + " (" + ShortName(parent) + ")"
}

// FullName names an area as an address does today, by its kind and its
// parent, with no district: "Tổ Khuổi Pài, phường Đức Xuân", "Phường Đức
// Xuân, tỉnh Thái Nguyên". A ward or commune under a city or district (a
// tree from before 1/7/2025) is named alone, as is the top of the tree.
func FullName(a Area, parent Area) string {
	switch {
	case parent.Name == "" || a.Kind == KindDistrict || a.Kind == KindCity || a.Kind == KindProvince:
		return a.Name
	case a.Kind == KindVillage:
		return a.Name + ", " + lowerKind(parent.Name)
	case parent.Kind == KindProvince:
		return a.Name + ", " + lowerKind(parent.Name)
	}
	return a.Name
}

// lowerKind writes the word for a kind in lower case inside a phrase:
// "phường Đức Xuân" for "Phường Đức Xuân".
func lowerKind(name string) string {
	for _, w := range kindWords {
		if rest, ok := strings.CutPrefix(name, w); ok {
			return strings.ToLower(w) + rest
		}
	}
	return name
}

// AreaFullName loads an area and names it as FullName does.
func (db *DB) AreaFullName(ctx context.Context, id string) (Area, string, error) {
	a, err := db.Area(ctx, id)
	if err != nil || a.Parent == "" {
		return a, a.Name, err
	}
	parent, err := db.Area(ctx, a.Parent)
	if err != nil {
		return Area{}, "", err
	}
	return a, FullName(a, parent), nil
}

// UnitOf is the ward or commune an area is in (the area itself when it is
// one), whose people's committee signs its papers; ErrNotFound above them.
func (db *DB) UnitOf(ctx context.Context, id string) (Area, error) {
	for id != "" {
		a, err := db.Area(ctx, id)
		if err != nil {
			return Area{}, err
		}
		if a.Kind == KindWard || a.Kind == KindCommune {
			return a, nil
		}
		id = a.Parent
	}
	return Area{}, ErrNotFound
}

// AreaLabel loads an area and names it as Label does.
func (db *DB) AreaLabel(ctx context.Context, id string) (Area, string, error) {
	a, err := db.Area(ctx, id)
	if err != nil {
		return Area{}, "", err
	}
	if a.Parent == "" {
		return a, a.Name, nil
	}
	parent, err := db.Area(ctx, a.Parent)
	if err != nil {
		return Area{}, "", err
	}
	return a, Label(a, parent), nil
}

// CanonicalArea reports whether id is written as the area tree writes
// ids: lowercase slugs joined by single slashes. Anything else ("..",
// "//", "./x", a slash at either end, capitals, other characters) is no
// area of ours, and must not reach a lookup or a prefix test.
func CanonicalArea(id string) bool {
	if id == "" || len(id) > maxAreaID {
		return false
	}
	for seg := range strings.SplitSeq(id, "/") {
		if !slugPattern.MatchString(seg) {
			return false
		}
	}
	return true
}

// maxAreaID bounds an area id: far above a real one's length, far below
// what would make checking it cost anything.
const maxAreaID = 512

// Within reports whether area is scope or one of the areas below it. An
// id no tree writes ("a/../b", "a//b", "a/") is below nothing: a prefix
// test must not let a path climb out of its scope.
func Within(area, scope string) bool {
	if area == scope {
		return true
	}
	if strings.Contains(area, "//") || strings.ContainsAny(area, ".\\") || strings.HasSuffix(area, "/") {
		return false
	}
	return strings.HasPrefix(area, scope+"/")
}
