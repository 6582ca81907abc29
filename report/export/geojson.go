package export

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"sothon/flows"
	"sothon/store"
)

// feature is a household on the map: where its form places it, with what
// a GIS tool colours or labels it by.
type feature struct {
	Type       string         `json:"type"`
	Geometry   geometry       `json:"geometry"`
	Properties householdFacts `json:"properties"`
}

type geometry struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"` // longitude, latitude: GeoJSON's order (RFC 7946)
}

type householdFacts struct {
	Household   string  `json:"household_id"`
	Name        string  `json:"household_name"`
	Village     string  `json:"village"`
	VillageID   string  `json:"village_id"`
	Class       string  `json:"class,omitempty"`
	ReviewState string  `json:"review_state"`
	FormID      uint64  `json:"form_id"`
	Form        string  `json:"form"`
	Photos      int     `json:"photo_count"`
	Accuracy    float64 `json:"accuracy_m,omitempty"`
}

// writeGeoJSON writes a FeatureCollection of the reviewed households of
// the selection: those that stand at an approved form with a place (the
// forms an export with Current keeps on the approved basis, whatever
// basis the office counts on), one point per household, from its newest
// such form, at its first place answered. A household without a place, or
// whose forms all wait for review, is left out. It says how many
// households it wrote.
func writeGeoJSON(ctx context.Context, db *store.DB, forms *flows.Set, o Options, w io.Writer) (int, error) {
	if o.Filter.Form != "" && forms.Form(o.Filter.Form) == nil {
		return 0, fmt.Errorf("export: unknown form %q", o.Filter.Form)
	}
	o.Current, o.Basis = true, store.BasisApproved
	byHousehold := map[string]feature{}
	villages := map[string]string{}
	err := o.reviewed(ctx, db, o.Filter, func(s store.Submission, rv store.FormReview) error {
		form := forms.Form(s.Form)
		if form == nil || s.HouseholdID == "" {
			return nil
		}
		p, ok := placeOf(form, s.Answers)
		if !ok {
			return nil
		}
		if old, ok := byHousehold[s.HouseholdID]; ok && old.Properties.FormID > s.ID {
			return nil
		}
		village, ok := villages[s.AreaID]
		if !ok {
			a, _ := db.Area(ctx, s.AreaID) // a village no longer in the tree goes by its id
			village = cmp.Or(a.Name, s.AreaID)
			villages[s.AreaID] = village
		}
		byHousehold[s.HouseholdID] = feature{Type: "Feature",
			Geometry: geometry{Type: "Point", Coordinates: [2]float64{p.Lon, p.Lat}},
			Properties: householdFacts{Household: s.HouseholdID, Name: s.HouseholdName, Village: village, VillageID: s.AreaID,
				Class: s.Class, ReviewState: rv.State, FormID: s.ID, Form: s.Form, Photos: len(s.Files), Accuracy: p.Accuracy}}
		return nil
	})
	if err != nil {
		return 0, err
	}
	features := make([]feature, 0, len(byHousehold))
	for _, id := range slices.Sorted(maps.Keys(byHousehold)) {
		features = append(features, byHousehold[id])
	}
	enc := json.NewEncoder(w)
	if err := enc.Encode(map[string]any{"type": "FeatureCollection", "features": features}); err != nil {
		return 0, fmt.Errorf("export: write geojson: %w", err)
	}
	return len(features), nil
}

// placeOf is the first place a form's answers give.
func placeOf(form *flows.Form, answers map[string]string) (flows.Point, bool) {
	for _, q := range form.Questions {
		if q.Type == flows.Geopoint && answers[q.ID] != "" {
			if p, err := flows.ParsePoint(answers[q.ID]); err == nil {
				return p, true
			}
		}
	}
	return flows.Point{}, false
}
