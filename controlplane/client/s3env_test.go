package client_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/testenv"
)

// testS3Target returns settings for the S3 test server (versitygw), or
// skips the test when it is unreachable; in CI it fails instead.
func testS3Target(t *testing.T, name string) client.NewStorageTarget {
	t.Helper()
	env := testenv.S3(t)
	return client.NewStorageTarget{
		Name:            name,
		Type:            "s3",
		Endpoint:        env.Endpoint,
		Bucket:          env.Bucket,
		AccessKeyID:     env.AccessKey,
		SecretAccessKey: env.SecretKey,
		Prefix:          "client-test/" + strings.ReplaceAll(t.Name(), "/", "-"),
		PathStyle:       true,
	}
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
