package store

import (
	"crypto/rand"
	"strings"

	"github.com/oklog/ulid/v2"
)

// orderedIDs returns n fresh ids in increasing order. Rows listed by id then
// come back in the order they were given, which ulid.Make alone does not
// promise: its entropy sources are pooled, so two ids made in the same
// millisecond may sort either way.
func orderedIDs(n int) []string {
	entropy := ulid.Monotonic(rand.Reader, 0)
	ms := ulid.Now()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strings.ToLower(ulid.MustNew(ms, entropy).String())
	}
	return ids
}
