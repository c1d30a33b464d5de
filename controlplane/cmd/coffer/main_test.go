package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain lets the test binary act as coffer itself when re-executed, so
// that the exit status and stderr of main are checked as a user sees them.
func TestMain(m *testing.M) {
	if os.Getenv("COFFER_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestFailureExitsOneWithMessage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	server := "http://" + ln.Addr().String()
	ln.Close()

	cmd := exec.Command(os.Args[0], "projects", "list", "--server", server, "--token", "t")
	cmd.Env = append(os.Environ(), "COFFER_TEST_RUN_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()

	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("got %v, want exit status 1", err)
	}
	want := "coffer: reach control plane at " + server + ": "
	if !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("got stderr %q, want prefix %q", stderr.String(), want)
	}
}
