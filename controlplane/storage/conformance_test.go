package storage_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/cofferhq/coffer/controlplane/storage"
)

// TestTargetConformance runs the same checks against every Target.
func TestTargetConformance(t *testing.T) {
	targets := []struct {
		name string
		open func(t *testing.T) (storage.Target, string)
	}{
		{"s3", func(t *testing.T) (storage.Target, string) {
			target := newTestS3(t)
			return target, target.Prefix()
		}},
		{"local", func(t *testing.T) (storage.Target, string) {
			target, err := storage.NewLocal(t.TempDir())
			if err != nil {
				t.Fatalf("NewLocal: %v", err)
			}
			return target, "prefix"
		}},
	}
	for _, tt := range targets {
		t.Run(tt.name, func(t *testing.T) {
			t.Run("probe", func(t *testing.T) {
				target, _ := tt.open(t)
				if err := target.Probe(testContext(t)); err != nil {
					t.Fatalf("Probe: %v", err)
				}
			})
			t.Run("objects", func(t *testing.T) {
				target, prefix := tt.open(t)
				checkObjects(t, target, prefix)
			})
			t.Run("missing", func(t *testing.T) {
				target, prefix := tt.open(t)
				checkMissing(t, target, prefix)
			})
		})
	}
}

func checkObjects(t *testing.T, target storage.Target, prefix string) {
	ctx := testContext(t)
	keys := []string{prefix + "/p/b1/manifest.json", prefix + "/p/b1/a.zst", prefix + "/p/b2/c"}
	for i, key := range keys {
		if err := target.Put(ctx, key, bytes.Repeat([]byte{'x'}, i+1)); err != nil {
			t.Fatalf("Put %s: %v", key, err)
		}
	}

	body, err := target.Get(ctx, keys[0])
	if err != nil || string(body) != "x" {
		t.Fatalf("Get = %q, %v; want %q", body, err, "x")
	}
	size, _, err := target.Head(ctx, keys[1])
	if err != nil || size != 2 {
		t.Fatalf("Head = %d, %v; want 2", size, err)
	}

	listed := listKeys(t, target, prefix+"/p/b1/")
	if want := []string{keys[1], keys[0]}; !slices.Equal(listed, want) {
		t.Fatalf("List = %q, want %q", listed, want)
	}

	if err := target.Delete(ctx, keys[0], keys[1], prefix+"/p/b1/never-written"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if listed := listKeys(t, target, prefix+"/"); !slices.Equal(listed, keys[2:]) {
		t.Fatalf("List after Delete = %q, want %q", listed, keys[2:])
	}
}

func checkMissing(t *testing.T, target storage.Target, prefix string) {
	ctx := testContext(t)
	key := prefix + "/p/b/none"
	if _, err := target.Get(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Get missing: %v, want ErrNotFound", err)
	}
	if _, _, err := target.Head(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Head missing: %v, want ErrNotFound", err)
	}
	if err := target.Delete(ctx, key); err != nil {
		t.Errorf("Delete missing: %v, want nil", err)
	}
	if objects, err := target.List(ctx, prefix+"/nothing/"); err != nil || len(objects) != 0 {
		t.Errorf("List empty prefix = %v, %v; want nothing", objects, err)
	}
}

func listKeys(t *testing.T, target storage.Target, prefix string) []string {
	t.Helper()
	objects, err := target.List(testContext(t), prefix)
	if err != nil {
		t.Fatalf("List %s: %v", prefix, err)
	}
	var keys []string
	for _, o := range objects {
		keys = append(keys, o.Key)
	}
	slices.Sort(keys)
	return keys
}
