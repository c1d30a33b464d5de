package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/server"
)

// clientRunE is the body of a command that talks to the API.
type clientRunE func(cmd *cobra.Command, c *client.Client, args []string) error

// withClient gives fn a client for --server and explains a refused token,
// which the API can only describe in terms of HTTP headers.
func (o *options) withClient(fn clientRunE) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		tok, from, err := o.apiToken()
		if err != nil {
			return err
		}
		err = fn(cmd, client.New(o.server, tok, nil), args)
		return o.explainRefusal(err, from)
	}
}

// apiToken finds the token to send: --token, then $COFFER_TOKEN, then the
// bootstrap admin token in the data directory. from says which it was,
// and is empty when there is none: the request then goes out without one
// and the API's refusal is explained.
func (o *options) apiToken() (tok, from string, err error) {
	if o.token != "" {
		return o.token, "--token", nil
	}
	if tok := os.Getenv("COFFER_TOKEN"); tok != "" {
		return tok, "$COFFER_TOKEN", nil
	}

	raw, err := os.ReadFile(o.adminTokenPath())
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read admin token: %w", err)
	}
	return strings.TrimSpace(string(raw)), o.adminTokenPath(), nil
}

func (o *options) adminTokenPath() string {
	return filepath.Join(o.dataDir, server.AdminTokenFile)
}

// explainRefusal adds to a 401 where the refused token came from, or how
// to give one. Other errors pass through unchanged.
func (o *options) explainRefusal(err error, from string) error {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized {
		return err
	}
	if from == "" {
		return &hintError{err: err, hint: "No API token was found: pass --token, set " +
			"$COFFER_TOKEN, or run where " + o.adminTokenPath() + " is readable."}
	}
	return &hintError{err: err, hint: "The token from " + from + " was refused."}
}

// hintError is an error with a sentence that tells the user what to do.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() + " " + e.hint }

func (e *hintError) Unwrap() error { return e.err }
