package tree

import (
	"strings"
)

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
	if a.Kind != Village || parent.Name == "" {
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
	case parent.Name == "" || a.Kind == District || a.Kind == City || a.Kind == Province:
		return a.Name
	case a.Kind == Village:
		return a.Name + ", " + lowerKind(parent.Name)
	case parent.Kind == Province:
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
