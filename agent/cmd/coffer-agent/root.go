package main

import (
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/agent/runtime"
)

// options are the flags shared by the agent's subcommands. Every flag has
// an environment variable, so a systemd unit needs no secrets on argv.
type options struct {
	server     string
	token      string
	stateDir   string
	name       string
	socket     string
	namespaces string
	logLevel   string
	logFormat  string
}

func newRootCommand() *cobra.Command {
	opts := &options{}
	root := &cobra.Command{
		Use:           "coffer-agent",
		Short:         "Coffer's host agent: backs up this host's containers",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	f := root.PersistentFlags()
	f.StringVar(&opts.server, "server", env("COFFER_SERVER", ""),
		"control plane URL, e.g. https://coffer.example.com ($COFFER_SERVER)")
	f.StringVar(&opts.token, "token", "",
		"one-time enrollment token; prefer $COFFER_ENROLL_TOKEN, which stays out of ps")
	f.StringVar(&opts.stateDir, "state-dir",
		env("COFFER_AGENT_STATE_DIR", "/var/lib/coffer-agent"),
		"directory holding the agent's identity and key ($COFFER_AGENT_STATE_DIR)")
	f.StringVar(&opts.name, "name", env("COFFER_AGENT_NAME", ""),
		"host name to register (default: the hostname) ($COFFER_AGENT_NAME)")
	f.StringVar(&opts.logLevel, "log-level", env("COFFER_LOG_LEVEL", "info"),
		"debug, info, warn or error ($COFFER_LOG_LEVEL)")
	f.StringVar(&opts.logFormat, "log-format", env("COFFER_LOG_FORMAT", "auto"),
		"json, console, or auto: console on a terminal ($COFFER_LOG_FORMAT)")

	root.AddCommand(newEnrollCommand(opts), newRunCommand(opts))
	return root
}

func addRuntimeFlags(cmd *cobra.Command, opts *options) {
	f := cmd.Flags()
	f.StringVar(&opts.socket, "containerd-socket",
		env("COFFER_CONTAINERD_SOCKET", runtime.DefaultSocket),
		"containerd socket ($COFFER_CONTAINERD_SOCKET)")
	f.StringVar(&opts.namespaces, "namespaces",
		env("COFFER_NAMESPACES", strings.Join(runtime.DefaultNamespaces(), ",")),
		"containerd namespaces to watch, comma-separated ($COFFER_NAMESPACES)")
}

func (o *options) enrollToken() string {
	if o.token != "" {
		return o.token
	}
	return os.Getenv("COFFER_ENROLL_TOKEN")
}

func (o *options) runtimeConfig() runtime.Config {
	var ns []string
	for _, n := range strings.Split(o.namespaces, ",") {
		if n = strings.TrimSpace(n); n != "" {
			ns = append(ns, n)
		}
	}
	return runtime.Config{Socket: o.socket, Namespaces: ns}
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}
