// Package clienttest runs a real control plane in-process for the tests of
// the API client and the CLI.
package clienttest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/server"
)

// Timeout bounds every wait in these tests: server start, one command.
const Timeout = 30 * time.Second

// ControlPlane is a running control plane with its own data directory and
// embedded SQLite database.
type ControlPlane struct {
	// URL is the API's base URL, e.g. http://127.0.0.1:38211.
	URL string
	// DataDir holds the database and the bootstrap admin token.
	DataDir string
	// Token is the bootstrap admin token.
	Token string
}

// Start runs a control plane on a free loopback port until the test ends.
func Start(t testing.TB) *ControlPlane {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := server.Config{Listen: "127.0.0.1:0", DataDir: dir, Logger: zerolog.Nop()}

	addrs := make(chan net.Addr, 1)
	stopped := make(chan struct{})
	var runErr error
	go func() {
		defer close(stopped)
		runErr = server.Run(ctx, cfg, func(a net.Addr) { addrs <- a })
	}()
	t.Cleanup(func() {
		cancel()
		<-stopped
		if runErr != nil {
			t.Errorf("run control plane: %v", runErr)
		}
	})

	select {
	case a := <-addrs:
		return &ControlPlane{URL: "http://" + a.String(), DataDir: dir, Token: readToken(t, dir)}
	case <-stopped:
		t.Fatalf("start control plane: stopped before listening")
	case <-time.After(Timeout):
		t.Fatalf("start control plane: not listening after %s", Timeout)
	}
	return nil
}

func readToken(t testing.TB, dir string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, server.AdminTokenFile))
	if err != nil {
		t.Fatalf("read admin token: %v", err)
	}
	return strings.TrimSpace(string(raw))
}
