package clienttest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/protocol"
)

// EnrollHost enrolls a host named name the way an agent does, with a fresh
// key, and returns its id. The host stays offline: no agent connects.
func (cp *ControlPlane) EnrollHost(t testing.TB, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()

	tok, err := client.New(cp.URL, cp.Token, nil).CreateEnrollmentToken(ctx, 0)
	if err != nil {
		t.Fatalf("create enrollment token: %v", err)
	}
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatalf("generate host key: %v", err)
	}
	body, err := json.Marshal(protocol.EnrollRequest{
		Token: tok.Token, PublicKey: pub, Name: name, AgentVersion: "0.0.0-test",
		Facts: map[string]string{"os": "linux"},
	})
	if err != nil {
		t.Fatalf("encode enroll request: %v", err)
	}
	return postEnroll(ctx, t, cp.URL+protocol.EnrollPath, body)
}

func postEnroll(ctx context.Context, t testing.TB, url string, body []byte) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("build enroll request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("enroll host: %v", err)
	}
	defer resp.Body.Close()

	var out protocol.EnrollResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.HostID == "" {
		t.Fatalf("enroll host: status %d, decode error %v, got host id %q",
			resp.StatusCode, err, out.HostID)
	}
	return out.HostID
}
