package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// saveProfiles writes the control plane's heap profile and MemStats, and
// with goroutines its goroutine dump grouped by stack, into dir under the
// given prefix.
// Read them with `go tool pprof -sample_index=inuse_space` and, for what the
// agents added, `-diff_base` against the profile taken before.
func saveProfiles(ctx context.Context, api *apiClient, cp *controlPlane, dir,
	prefix string, goroutines bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create profile dir: %w", err)
	}
	files := map[string]string{
		prefix + "-heap.pb.gz":    "/debug/pprof/heap?gc=1",
		prefix + "-memstats.json": "/debug/vars",
	}
	if goroutines {
		files[prefix+"-goroutines.txt"] = "/debug/pprof/goroutine?debug=1"
	}
	for name, path := range files {
		body, err := api.get(ctx, cp.pprofURL+path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			return fmt.Errorf("write profile %s: %w", name, err)
		}
	}
	return nil
}
