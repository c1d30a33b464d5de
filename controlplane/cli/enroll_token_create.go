package cli

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

type enrollTokenOptions struct {
	ttl         time.Duration
	agentServer string
}

func newEnrollTokenCreateCommand(opts *options) *cobra.Command {
	eo := &enrollTokenOptions{}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a one-time enrollment token",
		Long: `Creates an enrollment token and prints it with its expiry and the command
that enrolls and starts an agent with it. --ttl is at most 720h (30 days);
without it the server's default of one hour applies.

The printed command points the agent at --agent-server, else at the public
URL the control plane was started with (coffer serve --public-url), else
at --server.

With -o json it prints the API's answer,
{"token": ..., "expiresAt": ..., "serverUrl": ...}.`,
		Example: `  coffer enroll-token create
  coffer enroll-token create --ttl 24h --agent-server https://coffer.example.com
  token=$(coffer enroll-token create -o json | jq -r .token)`,
		Args: cobra.NoArgs,
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, _ []string) error {
			tok, err := c.CreateEnrollmentToken(cmd.Context(), eo.ttl)
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), tok)
			}
			return printEnrollToken(cmd.OutOrStdout(), tok, eo.agentURL(opts, tok),
				opts.now())
		}),
	}

	f := cmd.Flags()
	f.DurationVar(&eo.ttl, "ttl", 0, "how long the token stays usable (default 1h)")
	f.StringVar(&eo.agentServer, "agent-server", "",
		"control plane URL for the agent to dial (default: the server's public URL)")
	return cmd
}

// agentURL picks the URL the agent should dial: the flag, else the public
// URL the control plane announces, else the URL this CLI used.
func (eo *enrollTokenOptions) agentURL(opts *options, tok *client.EnrollmentToken) string {
	switch {
	case eo.agentServer != "":
		return eo.agentServer
	case tok.ServerURL != "":
		return tok.ServerURL
	}
	return opts.server
}

func printEnrollToken(w io.Writer, tok *client.EnrollmentToken, server string,
	now time.Time) error {
	t := newTable(w)
	t.row("Token:", tok.Token)
	t.row("Expires:", tok.ExpiresAt.Local().Format(time.RFC3339)+
		" ("+fromNow(tok.ExpiresAt, now)+")")
	if err := t.flush(); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nOn the host, enroll and start the agent (the token works once):\n\n"+
		"  COFFER_ENROLL_TOKEN=%s coffer-agent run --server %s\n",
		shellQuote(tok.Token), shellQuote(server))
	if isLoopback(server) {
		fmt.Fprintf(w, "\n%s is a loopback address; unless the agent runs on this\n"+
			"machine, pass --agent-server with a URL the host can reach.\n", cell(server))
	}
	return nil
}

// isLoopback reports whether a URL names this machine only.
func isLoopback(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// shellQuote quotes s for a POSIX shell when it holds anything beyond the
// characters URLs and tokens usually consist of, so that the printed
// command can be pasted as it is.
func shellQuote(s string) string {
	safe := func(r rune) bool {
		return r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' ||
			r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+,=", r))
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !safe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
