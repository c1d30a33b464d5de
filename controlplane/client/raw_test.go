package client_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

// postRaw sends body as it is, for what the typed client cannot send, and
// returns the status and error code of the answer.
func postRaw(t *testing.T, cp *clienttest.ControlPlane, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(testContext(t), http.MethodPost, cp.URL+path,
		strings.NewReader(body))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+cp.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post %s: %v", path, err)
	}
	defer resp.Body.Close()

	var out struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.Error.Code
}
