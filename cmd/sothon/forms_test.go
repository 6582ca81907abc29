package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sothon/flows"
)

// A training form that no longer says which question is the person asked
// would count nobody: forms check refuses it and names the missing role.
func TestFormsCheckRefusesIncompleteCountingRoles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "flows", "forms", "training.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(data), "    role: "+flows.RoleTrainingPerson+"\n", "", 1)
	if src == string(data) {
		t.Fatal("the training form gives no person role")
	}
	if err := os.WriteFile(filepath.Join(dir, "training.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := sothon(t, "", "forms", "check", dir)
	if want := "training.yaml: counting training needs a question with each of its roles; missing: training.person"; err == nil || !strings.Contains(out, want) {
		t.Errorf("forms check: %v, output lacks %q:\n%s", err, want, out)
	}
}
