package storage_test

import (
	"testing"

	"github.com/cofferhq/coffer/controlplane/storage"
)

func TestPartSize(t *testing.T) {
	const (
		mib = int64(1) << 20
		gib = int64(1) << 30
		tib = int64(1) << 40
	)
	tests := []struct {
		name     string
		expected int64
		maxParts int
		want     int64
	}{
		{"unknown size", 0, 10000, 5 * mib},
		{"negative size", -1, 10000, 5 * mib},
		{"small stream", 100 * mib, 10000, 5 * mib},
		{"fits minimum on aws", 30 * gib, 10000, 5 * mib},
		{"just past minimum on aws", 40 * gib, 10000, 6 * mib},
		{"thousand parts", 10 * gib, 1000, 13 * mib},
		{"one tebibyte", tib, 10000, 132 * mib},
		{"capped", 100 * tib, 10000, 5 * gib},
		{"huge size does not overflow", 1 << 62, 10000, 5 * gib},
		{"zero parts means aws limit", 40 * gib, 0, 6 * mib},
		{"single part", 100 * mib, 1, 189 * mib},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := storage.PartSize(tt.expected, tt.maxParts)
			if got != tt.want {
				t.Fatalf("PartSize(%d, %d) = %d MiB, want %d MiB",
					tt.expected, tt.maxParts, got/mib, tt.want/mib)
			}
		})
	}
}

// TestPartSizeFits checks the promise rather than examples: the padded
// stream always fits, and the size is the smallest aligned one that does.
func TestPartSizeFits(t *testing.T) {
	const mib = int64(1) << 20
	for _, maxParts := range []int{1000, 10000} {
		for expected := int64(0); expected < 2<<40; expected = expected*3 + 7*mib {
			size := storage.PartSize(expected, maxParts)
			padded := expected + expected/4 + 64*mib

			if size%mib != 0 || size < storage.MinPartSize || size > storage.MaxPartSize {
				t.Fatalf("PartSize(%d, %d) = %d: not an aligned size in range",
					expected, maxParts, size)
			}
			if size < storage.MaxPartSize && size*int64(maxParts) < padded {
				t.Fatalf("PartSize(%d, %d) = %d: %d parts hold %d, want at least %d",
					expected, maxParts, size, maxParts, size*int64(maxParts), padded)
			}
			if smaller := size - mib; smaller >= storage.MinPartSize &&
				smaller*int64(maxParts) >= padded {
				t.Fatalf("PartSize(%d, %d) = %d: %d would do", expected, maxParts, size, smaller)
			}
		}
	}
}
