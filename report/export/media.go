package export

import (
	"strconv"
	"strings"

	"sothon/flows"
)

// The columns an image or geopoint question adds after its own, in CSV and
// JSON: its photos' links, and its place's latitude and longitude, so that
// a spreadsheet or a GIS tool needs not read the stored answer.
const (
	linksSuffix     = "_links"
	latitudeSuffix  = "_latitude"
	longitudeSuffix = "_longitude"
)

// mediaColumns are the columns a question adds after its own.
func mediaColumns(q *flows.Question) []string {
	switch q.Type {
	case flows.Image:
		return []string{q.ID + linksSuffix}
	case flows.Geopoint:
		return []string{q.ID + latitudeSuffix, q.ID + longitudeSuffix}
	}
	return nil
}

// derived is the value of a column a question adds, from the answers, and
// whether the column is one; photoLink names a photo by its hash (nil:
// no links, the export has no public address).
func derived(col string, answers map[string]string, photoLink func(string) string) (string, bool) {
	if q, ok := strings.CutSuffix(col, linksSuffix); ok {
		hashes := flows.ImageHashes(answers[q])
		if photoLink == nil || len(hashes) == 0 {
			return "", true
		}
		out := make([]string, len(hashes))
		for i, h := range hashes {
			out[i] = photoLink(h)
		}
		return strings.Join(out, " "), true
	}
	for i, suffix := range []string{latitudeSuffix, longitudeSuffix} {
		if q, ok := strings.CutSuffix(col, suffix); ok {
			p, err := flows.ParsePoint(answers[q])
			if err != nil {
				return "", true
			}
			return strconv.FormatFloat([]float64{p.Lat, p.Lon}[i], 'f', 6, 64), true
		}
	}
	return "", false
}
