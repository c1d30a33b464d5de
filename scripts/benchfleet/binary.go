package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// serverBinary says which program runs the control plane.
type serverBinary struct {
	path string
	// wrapper is true for the benchmark's own serve command, which alone
	// can serve pprof.
	wrapper bool
}

// findServerBinary picks the control plane program: the one named by
// -coffer, else bin/coffer, else coffer built from source, else the
// benchmark's own wrapper around server.Run. Profiling needs the wrapper.
func findServerBinary(ctx context.Context, opts options, work string) (serverBinary, error) {
	root, err := moduleRoot()
	if err != nil {
		return serverBinary{}, err
	}
	if opts.profileDir != "" {
		return buildWrapper(ctx, root, work)
	}
	if opts.coffer != "" {
		return serverBinary{path: opts.coffer}, nil
	}

	bin := filepath.Join(root, "bin", "coffer")
	if isFile(bin) {
		return serverBinary{path: bin}, nil
	}
	if hasGoFiles(filepath.Join(root, "controlplane", "cmd", "coffer")) {
		out := filepath.Join(work, "coffer")
		err := goBuild(ctx, root, out, "./controlplane/cmd/coffer")
		return serverBinary{path: out}, err
	}
	return buildWrapper(ctx, root, work)
}

func buildWrapper(ctx context.Context, root, work string) (serverBinary, error) {
	out := filepath.Join(work, "benchfleet-serve")
	err := goBuild(ctx, root, out, "./scripts/benchfleet/serve")
	return serverBinary{path: out, wrapper: true}, err
}

func goBuild(ctx context.Context, root, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// moduleRoot finds the directory holding go.mod, so the benchmark works
// from any directory inside the repository.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for {
		if isFile(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find module root: no go.mod above the working directory")
		}
		dir = parent
	}
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func hasGoFiles(dir string) bool {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(matches) > 0
}
