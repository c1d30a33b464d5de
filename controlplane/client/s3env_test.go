package client_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/client"
)

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// testS3Target returns settings for the S3 test server (versitygw), or
// skips the test when it is unreachable; in CI it fails instead.
func testS3Target(t *testing.T, name string) client.NewStorageTarget {
	t.Helper()
	nt := client.NewStorageTarget{
		Name:            name,
		Type:            "s3",
		Endpoint:        envOr("COFFER_TEST_S3_ENDPOINT", "http://127.0.0.1:7070"),
		Bucket:          envOr("COFFER_TEST_S3_BUCKET", "coffer-test"),
		AccessKeyID:     envOr("COFFER_TEST_S3_ACCESS_KEY", "coffer-test-access"),
		SecretAccessKey: envOr("COFFER_TEST_S3_SECRET_KEY", "coffer-test-secret-key"),
		Prefix:          "client-test/" + strings.ReplaceAll(t.Name(), "/", "-"),
		PathStyle:       true,
	}

	host := strings.TrimPrefix(strings.TrimPrefix(nt.Endpoint, "http://"), "https://")
	conn, err := net.DialTimeout("tcp", host, 2*time.Second)
	if err == nil {
		conn.Close()
		return nt
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("S3 test server at %s is unreachable in CI: %v", nt.Endpoint, err)
	}
	t.Skipf("S3 test server at %s is unreachable (set COFFER_TEST_S3_ENDPOINT): %v",
		nt.Endpoint, err)
	return nt
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// recorder is an http.RoundTripper that keeps every response body, so a
// test can check that a secret never comes back.
type recorder struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.bodies = append(r.bodies, body)
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// requireAbsent fails if any recorded response contains secret.
func (r *recorder) requireAbsent(t *testing.T, secret string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bodies) == 0 {
		t.Fatal("recorded responses: got none, want some")
	}
	for i, b := range r.bodies {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("response %d contains the secret: %s", i, b)
		}
	}
}
