package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"

	"golang.org/x/sync/errgroup"

	"github.com/cofferhq/coffer/agent/identity"
	"github.com/cofferhq/coffer/protocol"
)

// enrollConcurrency bounds the enrollments in flight. Each one is a few
// writes to the control plane's database; more at once only queue there.
const enrollConcurrency = 32

// enrollFleet enrolls n agents the way coffer-agent does, each with its
// own one-time token and its own state directory under dir.
func enrollFleet(ctx context.Context, api *apiClient, n int,
	dir string) ([]*identity.Identity, error) {
	ids := make([]*identity.Identity, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(enrollConcurrency)
	for i := range ids {
		g.Go(func() error {
			id, err := enrollOne(gctx, api, i, filepath.Join(dir, fmt.Sprintf("agent-%05d", i)))
			ids[i] = id
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return ids, nil
}

func enrollOne(ctx context.Context, api *apiClient, i int,
	stateDir string) (*identity.Identity, error) {
	var tok struct {
		Token string `json:"token"`
	}
	if err := api.call(ctx, http.MethodPost, "/api/enrollment-tokens", nil, &tok); err != nil {
		return nil, err
	}

	id, err := identity.Enroll(ctx, identity.EnrollRequest{
		ServerURL:    api.base,
		Token:        tok.Token,
		StateDir:     stateDir,
		Name:         fmt.Sprintf("bench-%05d", i),
		AgentVersion: protocol.AgentVersion,
		Client:       api.http,
	})
	if err != nil {
		return nil, fmt.Errorf("enroll agent %d: %w", i, err)
	}
	return id, nil
}
