package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
)

// Require skips the test when err says that service is missing, or fails it
// in CI (the variable CI is set), where a missing service is a broken setup.
// A nil err lets the test go on.
func Require(t testing.TB, service string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not available in CI (start it with scripts/test-env.sh): %v",
			service, err)
	}
	t.Skipf("%s is not available, skipping (start it with scripts/test-env.sh): %v",
		service, err)
}

// getenv is read into package variables, so the environment is taken when
// the test binary starts: a TestMain that clears the COFFER_ variables, as
// the CLI's tests do, does not hide the services from them.
func getenv(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// randomHex returns n random bytes in hex, to keep names apart.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
