package main

import (
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/agent/facts"
	"github.com/cofferhq/coffer/agent/identity"
	"github.com/cofferhq/coffer/protocol"
)

func newEnrollCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "enroll --server URL --token TOKEN",
		Short: "Register this host with the control plane using a one-time token",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := enroll(cmd, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "enrolled as host %s with %s\n",
				id.HostID, id.ServerURL)
			return nil
		},
	}
}

func enroll(cmd *cobra.Command, opts *options) (*identity.Identity, error) {
	if opts.server == "" {
		return nil, fmt.Errorf("enroll: --server is required")
	}
	f := facts.Gather()
	name := opts.name
	if name == "" {
		name = f[protocol.FactHostname]
	}
	return identity.Enroll(cmd.Context(), identity.EnrollRequest{
		ServerURL:    opts.server,
		Token:        opts.enrollToken(),
		StateDir:     opts.stateDir,
		Name:         name,
		AgentVersion: protocol.AgentVersion,
		Facts:        f,
		Client:       &http.Client{Timeout: 30 * time.Second},
	})
}

// loadOrEnroll returns the saved identity, enrolling first when the state
// directory has none and a token was given.
func loadOrEnroll(cmd *cobra.Command, opts *options) (*identity.Identity, error) {
	id, err := identity.Load(opts.stateDir)
	if err == nil || err != identity.ErrNotEnrolled {
		return id, err
	}
	if opts.enrollToken() == "" {
		return nil, fmt.Errorf("no identity in %s: run 'coffer-agent enroll' or pass --token",
			opts.stateDir)
	}
	fmt.Fprintln(os.Stderr, "coffer-agent: enrolling with", opts.server)
	return enroll(cmd, opts)
}
