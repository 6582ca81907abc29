package bot

import (
	"context"
	"errors"
	"strconv"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/store"
)

// classification is the latest classification of a register household,
// for the forms that read it (the training form's low-income workers): the
// class of its latest form received or approved (a form waiting for review
// is the newest word on the household; a returned one is none), else of
// its register entry, with the income per person that form gave. What
// cannot be read is not known, and the form asks.
func (t *turn) classification(ctx context.Context, id string) flows.Classification {
	st, err := t.e.store.HouseholdStanding(ctx, id)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			t.e.log.Error("classification of a household", "household", id, "err", err)
		}
		return flows.Classification{}
	}
	o := st.Status(store.BasisAll)
	c := flows.Classification{Class: poverty.Class(o.Class)}
	if o.Form == 0 {
		return c
	}
	s, err := t.e.store.Submission(ctx, o.Form)
	if err != nil {
		t.e.log.Error("form of a household's classification", "household", id, "form", o.Form, "err", err)
		return c
	}
	f := t.e.forms.Form(s.Form)
	if f == nil {
		return c
	}
	in, mem := f.ByRole(flows.RoleIncome), f.ByRole(flows.RoleMembers)
	if in == nil || mem == nil {
		return c
	}
	income, err := strconv.ParseFloat(s.Answers[in.ID], 64)
	members, err2 := strconv.Atoi(s.Answers[mem.ID])
	if err != nil || err2 != nil || members <= 0 {
		return c
	}
	c.IncomePC, c.IncomeKnown = poverty.Profile{Members: members, Income: income}.IncomePerPerson(), true
	return c
}
