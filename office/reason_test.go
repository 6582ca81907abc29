package office

import (
	"testing"

	"sothon/flows"
	"sothon/locales"
)

func TestReasonNamed(t *testing.T) {
	cat := locales.MustLoad()
	for _, key := range ReasonKeys { // the common reasons, as written, name themselves
		for _, lang := range locales.Languages {
			if got := reasonNamed(cat.T(lang, key)); got != key {
				t.Errorf("%s %q names %q, want itself", lang, cat.T(lang, key), got)
			}
		}
	}
	for _, tc := range []struct{ typed, want string }{
		{"thu nhap", "review.reason.income"},
		{"thu nhập", "review.reason.income"},
		{"THU NHẬP quá cao so với nhà cửa", "review.reason.income"},
		{"Kiểm tra lại thu nhập.", "review.reason.income"},
		{"income too high", "review.reason.income"},
		{"so khau", "review.reason.members"},
		{"số nhân khẩu", "review.reason.members"},
		{"nhan khau sai, hộ có 5 người", "review.reason.members"},
		{"Nhân khẩu: 5 chứ không phải 4", "review.reason.members"},
		{"chỉ số BHYT sai", "review.reason.indicators"},
		{"thiếu hụt nước sạch", "review.reason.indicators"},
		{"trùng hộ với phiếu 3", "review.reason.household"},
		{"sai hộ", "review.reason.household"},
		{"nhầm hộ", "review.reason.household"},
		// Names nothing, or more than one: the summary.
		{"ghi chú chưa rõ", ""},
		{"sai hoàn toàn", ""},
		{"thunhap", ""},
		{"thu nhập và nhân khẩu đều chưa khớp", ""},
		{"", ""},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			if got := reasonNamed(tc.typed); got != tc.want {
				t.Errorf("reasonNamed(%q) = %q, want %q", tc.typed, got, tc.want)
			}
		})
	}
}

// A typed reason about income reopens at the income question, as the
// common reason does; one naming nothing, at the summary.
func TestTypedReasonFocus(t *testing.T) {
	forms, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	income := forms.Form("household").ByRole(flows.RoleIncome).ID
	if got := focusOf(forms, "household", reasonNamed("thu nhap chua dung")); got != income {
		t.Errorf("focus of a typed income reason: %q, want %q", got, income)
	}
	if got := focusOf(forms, "household", reasonNamed("ghi chú chưa rõ")); got != "" {
		t.Errorf("focus of a reason naming nothing: %q", got)
	}
}
