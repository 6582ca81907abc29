package office

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sothon/flows/poverty"
	"sothon/store"
	"sothon/store/counting"
	"sothon/tree"
)

// TargetRow is an area's poverty-reduction goal for a year, beside the poor
// households of the imported register it counts down from.
type TargetRow struct {
	Area      tree.Area
	Baseline  int // poor households of the imported register
	Reduction int // the year's goal; 0 when none
}

// Targets lists the year's goals of the admin's area and of every area
// below it that is not a village, in the tree's order.
func (o *Office) Targets(ctx context.Context, actor store.User, year int) ([]TargetRow, error) {
	if err := admin(actor); err != nil {
		return nil, err
	}
	list, err := o.Store.Areas(ctx)
	var counters map[string]store.Counters
	if err == nil {
		counters, err = o.Store.CountersIn(ctx, actor.AreaID)
	}
	if err != nil {
		return nil, fmt.Errorf("office: targets: %w", err)
	}
	// Each village's register counts up to every area above it, once.
	poor := map[string]int{}
	for id, cs := range counters {
		for n := int(cs[counting.RegisterCounter(poverty.Poor)]); id != ""; id = parentOf(id) {
			poor[id] += n
		}
	}
	var rows []TargetRow
	for _, a := range list {
		if a.Kind == tree.Village || !tree.Within(a.ID, actor.AreaID) {
			continue
		}
		row := TargetRow{Area: a, Baseline: poor[a.ID]}
		for _, t := range a.Targets {
			if t.Year == year {
				row.Reduction = t.PoorReduction
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// SetTarget sets an area's goal for a year (a reduction of 0 removes it).
// Like a round, a target is for the admin's area or an area below it that
// is not a village.
func (o *Office) SetTarget(ctx context.Context, actor store.User, areaID string, t tree.Target, at time.Time) error {
	if err := admin(actor); err != nil {
		return err
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return err
	}
	if area.Kind == tree.Village {
		return refuse(ErrVillage, "office.target_village")
	}
	err = o.Store.SetTarget(ctx, area.ID, t, actor.ID, at)
	switch {
	case errors.Is(err, store.ErrTargetBad):
		return refuse(err, "office.target_bad")
	case err != nil:
		return fmt.Errorf("office: set target: %w", err)
	}
	return nil
}

func parentOf(id string) string {
	if i := strings.LastIndex(id, "/"); i >= 0 {
		return id[:i]
	}
	return ""
}
