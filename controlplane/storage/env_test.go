package storage_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/storage"
)

// testTimeout bounds each test's calls to the S3 server.
const testTimeout = 2 * time.Minute

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// testS3Config returns the test server's settings with a prefix of the
// test's own. Without a server the test is skipped, or fails in CI.
func testS3Config(t *testing.T) storage.S3Config {
	t.Helper()
	cfg := storage.S3Config{
		Endpoint:        envOr("COFFER_TEST_S3_ENDPOINT", "http://127.0.0.1:7070"),
		Bucket:          envOr("COFFER_TEST_S3_BUCKET", "coffer-test"),
		AccessKeyID:     envOr("COFFER_TEST_S3_ACCESS_KEY", "coffer-test-access"),
		SecretAccessKey: envOr("COFFER_TEST_S3_SECRET_KEY", "coffer-test-secret-key"),
		PathStyle:       true,
		Prefix:          "test/" + uniqueName(t),
	}
	requireServer(t, cfg.Endpoint)
	return cfg
}

func requireServer(t *testing.T, endpoint string) {
	t.Helper()
	host := strings.TrimPrefix(strings.TrimPrefix(endpoint, "http://"), "https://")
	conn, err := net.DialTimeout("tcp", host, 2*time.Second)
	if err == nil {
		conn.Close()
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("S3 test server at %s is unreachable in CI: %v", endpoint, err)
	}
	t.Skipf("S3 test server at %s is unreachable: %v", endpoint, err)
}

// newTestS3 returns a target on the test server whose objects are removed
// when the test ends.
func newTestS3(t *testing.T) *storage.S3 {
	t.Helper()
	target, err := storage.NewS3(testS3Config(t))
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}

	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		objects, err := target.List(ctx, target.Prefix()+"/")
		if err != nil {
			t.Errorf("list leftovers: %v", err)
			return
		}
		for _, o := range objects {
			if err := target.Delete(ctx, o.Key); err != nil {
				t.Errorf("delete leftover %s: %v", o.Key, err)
			}
		}
	})
	return target
}

func uniqueName(t *testing.T) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	return name + "-" + hex.EncodeToString(b)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}
