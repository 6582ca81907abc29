package main

import (
	"fmt"
	"os"
	"strings"
)

// secret reads a secret from NAME, or from the file named by NAME_FILE (a
// container or systemd credential). Its value is never printed.
func secret(e *env, name string) (string, error) {
	if v := strings.TrimSpace(e.getenv(name)); v != "" {
		return v, nil
	}
	path := e.getenv(name + "_FILE")
	if path == "" {
		return "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	v := strings.TrimSpace(string(data))
	if v == "" {
		return "", fmt.Errorf("%s_FILE: %s is empty", name, path)
	}
	return v, nil
}
