package cli_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/cli"
	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

// TestMain clears the environment's COFFER_ variables, which would
// otherwise become flag defaults or tokens and make the tests depend on
// the machine they run on.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "COFFER_") {
			os.Unsetenv(k)
		}
	}
	os.Exit(m.Run())
}

// run executes the coffer command with args and returns what it printed
// on stdout.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clienttest.Timeout)
	defer cancel()

	root := cli.NewRootCommand()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return out.String(), err
}

// mustRun is run for commands that must succeed.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := run(t, args...)
	if err != nil {
		t.Fatalf("coffer %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// admin returns args preceded by the flags that reach cp as its admin.
func admin(cp *clienttest.ControlPlane, args ...string) []string {
	return append([]string{"--server", cp.URL, "--token", cp.Token}, args...)
}

// wantAPIError fails unless err is the API's error with the status, and
// says the server's sentence first.
func wantAPIError(t *testing.T, err error, status int) {
	t.Helper()
	apiErr, ok := errors.AsType[*client.APIError](err)
	if !ok || apiErr.Status != status {
		t.Fatalf("got error %v, want an API error with status %d", err, status)
	}
	if !strings.HasPrefix(err.Error(), apiErr.Message) || apiErr.Message == "" {
		t.Errorf("got error %q, want it to start with the server's sentence %q",
			err, apiErr.Message)
	}
}

// mustAPIError is wantAPIError for tests that go on to read the API error.
func mustAPIError(t *testing.T, err error, status int) *client.APIError {
	t.Helper()
	wantAPIError(t, err, status)
	apiErr, _ := errors.AsType[*client.APIError](err) // wantAPIError found it
	return apiErr
}

// rawGet returns the API's own body for path, to compare -o json with.
func rawGet(t *testing.T, cp *clienttest.ControlPlane, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, cp.URL+path, nil)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+cp.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("get %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("get %s: status %d, %v", path, resp.StatusCode, err)
	}
	return string(b)
}

// tableLines splits table output into rows of fields.
func tableLines(out string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		rows = append(rows, strings.Fields(line))
	}
	return rows
}

func wantContains(t *testing.T, out string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(out, p) {
			t.Errorf("output lacks %q; got:\n%s", p, out)
		}
	}
}

func TestOutputFormatIsChecked(t *testing.T) {
	_, err := run(t, "projects", "list", "-o", "yaml")
	want := `output format "yaml": want table or json`
	if err == nil || err.Error() != want {
		t.Fatalf("got error %v, want %q", err, want)
	}
}

func TestUnknownSubcommandFails(t *testing.T) {
	_, err := run(t, "projects", "lst")
	if err == nil || !strings.Contains(err.Error(), `unknown command "lst"`) {
		t.Fatalf("got error %v, want an unknown command error", err)
	}
}

// Every command documents itself: the help is the manual.
func TestEveryCommandHasHelp(t *testing.T) {
	root := cli.NewRootCommand()
	root.InitDefaultHelpCmd()
	queue := []*cobra.Command{root}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c.Name() == "help" {
			continue
		}
		queue = append(queue, c.Commands()...)
		if c.Short == "" || (c.Long == "" && c.Example == "") {
			t.Errorf("command %q lacks Short or Long/Example help", c.CommandPath())
		}
	}
}
