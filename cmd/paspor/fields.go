package main

import (
	"fmt"
	"strings"
)

// parseFieldFlags turns --field key=value flags into a map; a key given twice is an error.
func parseFieldFlags(flags []string) (map[string]string, error) {
	fields := map[string]string{}
	for _, f := range flags {
		k, v, ok := strings.Cut(f, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, usageError("--field takes key=value", "for example --field birth_date=1990-04-01")
		}
		if _, dup := fields[k]; dup {
			return nil, usageError(fmt.Sprintf("--field %s given twice", k))
		}
		fields[k] = v
	}
	return fields, nil
}
