package runtime_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cofferhq/coffer/agent/runtime"
)

func TestConnectUnreachable(t *testing.T) {
	dir := t.TempDir()
	refused := filepath.Join(dir, "refused.sock")
	l, err := net.Listen("unix", refused)
	if err != nil {
		t.Fatalf("listen on %s: %v", refused, err)
	}
	// Keep the socket file but let nobody answer on it.
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()

	for _, socket := range []string{filepath.Join(dir, "absent.sock"), refused} {
		t.Run(filepath.Base(socket), func(t *testing.T) {
			start := time.Now()
			rt, err := runtime.Connect(context.Background(), runtime.Config{Socket: socket})
			elapsed := time.Since(start)
			if err == nil {
				rt.Close()
				t.Fatalf("Connect(%s) succeeded, want an error", socket)
			}
			if !runtime.IsUnavailable(err) {
				t.Errorf("IsUnavailable(%v) = false, want true", err)
			}
			if elapsed > time.Second {
				t.Errorf("Connect took %v, want under 1s", elapsed)
			}
		})
	}
}

func TestIsUnavailable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", errors.New("boom"), false},
		{"sentinel", runtime.ErrUnavailable, true},
		{"grpc unavailable", status.Error(codes.Unavailable, "connection refused"), true},
		{"grpc not found", status.Error(codes.NotFound, "no such container"), false},
		{"canceled", context.Canceled, false},
	}
	for _, tt := range tests {
		if got := runtime.IsUnavailable(tt.err); got != tt.want {
			t.Errorf("%s: IsUnavailable(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	f := setup(t)
	v, err := f.rt.Version(f.ctx(t))
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if v == "" {
		t.Errorf("Version = %q, want a version", v)
	}
	t.Logf("containerd %s", v)
}
