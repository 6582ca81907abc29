package bot

import (
	"context"

	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/store"
	"sothon/tree"
)

// greet welcomes the user by name, role and place, the place by its kind
// and parent of today: "Xin chào anh/chị Hoàng Văn Thắng, tổ trưởng Tổ
// Khuổi Pài, phường Đức Xuân!". key is the
// welcome's locale key.
func (t *turn) greet(ctx context.Context, key string) {
	area, place, err := t.e.store.AreaFullName(ctx, t.user.AreaID)
	if err != nil {
		place = t.user.AreaID
	}
	t.replyKey(key, "who", Addressee(t.e.cat, t.lang, t.user.Name), "role", t.e.cat.T(t.lang, roleKey(t.user.Role, area)), "area", place)
}

// Addressee is how the bot addresses a person: "anh/chị Hoàng Văn Thắng",
// or "anh/chị" alone when the name is not known.
func Addressee(cat *locales.Catalog, lang, name string) string {
	if name == "" {
		return cat.T(lang, "address.unnamed")
	}
	return cat.T(lang, "address.named", "name", name)
}

// roleKey names a role as people say it: a head of a village in a commune
// is a trưởng thôn, of a residential group in a ward a tổ trưởng.
func roleKey(role string, area tree.Area) string {
	if role != store.RoleHead {
		return roleKeys[role]
	}
	if area.Setting == poverty.Urban {
		return "role.head_urban"
	}
	return "role.head_rural"
}
