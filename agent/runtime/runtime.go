// Package runtime is the agent's view of containerd: the inventory of a
// host's containers, the events that keep it current, and the pause, stop and
// start that consistent backups need.
package runtime

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/containerd/containerd"
	"github.com/containerd/containerd/namespaces"
)

// DefaultSocket is where containerd listens on most hosts.
const DefaultSocket = "/run/containerd/containerd.sock"

// dialTimeout bounds how long Connect waits for containerd to answer: a host
// without a running daemon should be reported at once, not after a stall.
const dialTimeout = 3 * time.Second

// DefaultNamespaces returns the namespaces of plain containerd and nerdctl
// (default), Docker (moby) and Kubernetes (k8s.io).
func DefaultNamespaces() []string {
	return []string{"default", "moby", "k8s.io"}
}

// Config says where containerd listens and which namespaces to watch.
type Config struct {
	// Socket is containerd's gRPC socket; empty means DefaultSocket.
	Socket string
	// Namespaces are the watched namespaces; empty means DefaultNamespaces.
	Namespaces []string
}

// withDefaults fills empty fields and drops repeated namespaces, which would
// otherwise list the same containers twice.
func (c Config) withDefaults() Config {
	if c.Socket == "" {
		c.Socket = DefaultSocket
	}
	if len(c.Namespaces) == 0 {
		c.Namespaces = DefaultNamespaces()
	}
	seen := make(map[string]bool, len(c.Namespaces))
	unique := make([]string, 0, len(c.Namespaces))
	for _, ns := range c.Namespaces {
		if ns != "" && !seen[ns] {
			seen[ns] = true
			unique = append(unique, ns)
		}
	}
	c.Namespaces = unique
	return c
}

// Runtime is a connection to containerd scoped to the watched namespaces.
// It is safe for concurrent use.
type Runtime struct {
	client     *containerd.Client
	namespaces []string
}

// Connect dials containerd and checks that it answers. Its errors satisfy
// IsUnavailable when the daemon cannot be reached.
func Connect(ctx context.Context, cfg Config) (*Runtime, error) {
	cfg = cfg.withDefaults()
	if err := probe(ctx, cfg.Socket); err != nil {
		return nil, fmt.Errorf("connect to containerd at %s: %w", cfg.Socket, err)
	}

	client, err := containerd.New(cfg.Socket, containerd.WithTimeout(dialTimeout))
	if err != nil {
		return nil, fmt.Errorf("connect to containerd at %s: %w", cfg.Socket, unavailable(err))
	}

	r := &Runtime{client: client, namespaces: cfg.Namespaces}
	checkCtx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	if _, err := r.Version(checkCtx); err != nil {
		client.Close()
		return nil, fmt.Errorf("connect to containerd at %s: %w", cfg.Socket, err)
	}
	return r, nil
}

// probe dials the socket once so that a missing or dead daemon fails fast:
// the client's own dialer waits out its whole timeout for a missing socket.
func probe(ctx context.Context, socket string) error {
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return unavailable(err)
	}
	return conn.Close()
}

// Close ends the connection to containerd.
func (r *Runtime) Close() error {
	if err := r.client.Close(); err != nil {
		return fmt.Errorf("close containerd connection: %w", err)
	}
	return nil
}

// Version returns the version containerd reports, such as "1.7.20".
func (r *Runtime) Version(ctx context.Context) (string, error) {
	v, err := r.client.Version(ctx)
	if err != nil {
		return "", fmt.Errorf("get containerd version: %w", classify(err))
	}
	return v.Version, nil
}

// in scopes ctx to one containerd namespace.
func in(ctx context.Context, namespace string) context.Context {
	return namespaces.WithNamespace(ctx, namespace)
}
