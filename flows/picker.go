package flows

import (
	"maps"
	"strconv"
	"strings"
)

// NewHousehold is the household answer that adds a household to the register.
const NewHousehold = "new"

// maxQuery is the longest search for a household: a name has at most 80
// characters.
const maxQuery = 80

// pickerPageSize keeps a page of households short enough for a phone screen.
const pickerPageSize = 10

// pickerItems is the list the picker shows: the whole register or the
// households whose name contains the search, diacritics ignored.
func (r *Run) pickerItems(c Context) ([]PickerEntry, error) {
	all, err := c.Register()
	if err != nil || r.Picker.Query == "" {
		return all, err
	}
	var found []PickerEntry
	for _, h := range all {
		if strings.Contains(Fold(h.Name), r.Picker.Query) {
			found = append(found, h)
		}
	}
	return found, nil
}

func (r *Run) pickerPrompt(f *Form, q *Question, c Context, notice string) Prompt {
	items, err := r.pickerItems(c)
	lines := []string{}
	if notice != "" {
		lines = append(lines, notice, "")
	}
	lines = append(lines, q.Label.In(c.Lang))
	if r.Previous != "" {
		lines = append(lines, c.t("run.previous", "value", r.Previous))
	}
	p := Prompt{Question: q.ID}
	switch {
	case err != nil:
		lines = append(lines, c.t("picker.unavailable"))
	case len(items) == 0 && r.Picker.Query == "":
		lines = append(lines, c.t("picker.empty"))
	default:
		pages := (len(items) + pickerPageSize - 1) / pickerPageSize
		r.Picker.Page = min(max(r.Picker.Page, 0), pages-1)
		from := r.Picker.Page * pickerPageSize
		for i := from; i < min(from+pickerPageSize, len(items)); i++ {
			p.Options = append(p.Options, Option{Key: strconv.Itoa(i + 1), Label: items[i].Name})
		}
		if r.Picker.Query != "" {
			lines = append(lines, c.t("picker.found", "count", len(items), "query", r.Picker.Query))
		}
		if pages > 1 {
			lines = append(lines, c.t("picker.page", "page", r.Picker.Page+1, "pages", pages))
		}
	}
	p.Options = append(p.Options, Option{Key: "0", Label: c.t("picker.new_household")})
	p.Text = strings.Join(lines, "\n")
	return p
}

func (r *Run) replyPicker(f *Form, q *Question, c Context, text string) Outcome {
	t := Fold(text)
	switch t {
	case "0":
		r.HouseholdName = ""
		r.accept(q.ID, NewHousehold)
		return r.advance(f, c)
	case "+", ">", "tiep", "next", "xem tiep":
		r.Picker.Page++
		return Outcome{Prompts: []Prompt{r.pickerPrompt(f, q, c, "")}}
	case "<", "truoc", "prev", "back":
		r.Picker.Page--
		return Outcome{Prompts: []Prompt{r.pickerPrompt(f, q, c, "")}}
	case "*", "tat ca", "all":
		r.Picker = Picker{}
		return Outcome{Prompts: []Prompt{r.pickerPrompt(f, q, c, "")}}
	}
	if n, err := strconv.Atoi(t); err == nil {
		return r.pickNumber(f, q, c, n)
	}
	if n := len([]rune(t)); n < 2 || n > maxQuery {
		return Outcome{Prompts: []Prompt{r.reask(f, q, c, answerErr("answer.household_query"))}}
	}
	r.Picker = Picker{Query: t}
	if items, err := r.pickerItems(c); err == nil && len(items) == 0 {
		r.Picker = Picker{}
		return Outcome{Prompts: []Prompt{r.pickerPrompt(f, q, c, c.t("picker.none_found", "query", echo(text)))}}
	}
	return Outcome{Prompts: []Prompt{r.pickerPrompt(f, q, c, "")}}
}

func (r *Run) pickNumber(f *Form, q *Question, c Context, n int) Outcome {
	items, err := r.pickerItems(c)
	if err != nil || n < 1 || n > len(items) {
		return Outcome{Prompts: []Prompt{r.reask(f, q, c, answerErr("answer.household_number", "max", len(items)))}}
	}
	h := items[n-1]
	r.HouseholdName = h.Name
	r.accept(q.ID, h.ID)
	o := r.advance(f, c)
	picked := c.t("picker.picked", "name", h.Name)
	if c.HouseholdNotice != nil {
		if notice := c.HouseholdNotice(h.ID); notice != "" {
			picked += "\n" + notice
		}
	}
	o.Prompts = append([]Prompt{{Text: picked}}, o.Prompts...)
	return o
}

// WithHousehold is the run after a submission that added a new household:
// a copy in which the household answer names that household, so that the
// next person of a repeated form (another worker of the same family) joins
// it instead of adding a household again.
func (r *Run) WithHousehold(f *Form, id, name string) *Run {
	out := *r
	out.Answers = maps.Clone(r.Answers)
	for _, q := range f.Questions {
		if q.Type == HouseholdPick && out.Answers[q.ID] == NewHousehold {
			out.Answers[q.ID], out.HouseholdName = id, name
		}
	}
	return &out
}
