package identity

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// EnrollRequest is what Enroll needs.
type EnrollRequest struct {
	ServerURL    string
	Token        string
	StateDir     string
	Name         string
	AgentVersion string
	Facts        map[string]string
	Client       *http.Client
}

// Enroll spends a one-time token to register this host's key with the
// control plane, then saves the identity in the state directory.
func Enroll(ctx context.Context, req EnrollRequest) (*Identity, error) {
	base, err := NormalizeServerURL(req.ServerURL)
	if err != nil {
		return nil, err
	}
	if req.Token == "" {
		return nil, fmt.Errorf("enroll: an enrollment token is required")
	}
	key, err := LoadOrCreateKey(req.StateDir)
	if err != nil {
		return nil, err
	}

	body, err := json.Marshal(protocol.EnrollRequest{
		Token:        req.Token,
		PublicKey:    key.Public().(ed25519.PublicKey),
		Name:         req.Name,
		AgentVersion: req.AgentVersion,
		Facts:        req.Facts,
	})
	if err != nil {
		return nil, fmt.Errorf("encode enrollment: %w", err)
	}
	resp, err := postEnroll(ctx, req.Client, base+protocol.EnrollPath, body)
	if err != nil {
		return nil, err
	}

	id := &Identity{ServerURL: base, HostID: resp.HostID, EnrolledAt: time.Now().UTC(), Key: key}
	if err := id.Save(req.StateDir); err != nil {
		return nil, err
	}
	return id, nil
}

func postEnroll(ctx context.Context, client *http.Client, url string,
	body []byte) (*protocol.EnrollResponse, error) {
	if client == nil {
		client = http.DefaultClient
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")

	hresp, err := client.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	defer hresp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(hresp.Body, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("enroll: read response: %w", err)
	}
	if hresp.StatusCode != http.StatusOK && hresp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("enroll: %s", apiErrorMessage(hresp.StatusCode, raw))
	}

	var out protocol.EnrollResponse
	if err := json.Unmarshal(raw, &out); err != nil || out.HostID == "" {
		return nil, fmt.Errorf("enroll: unexpected response from control plane")
	}
	return &out, nil
}

// apiErrorMessage pulls the sentence out of a REST error body.
func apiErrorMessage(status int, raw []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
		return fmt.Sprintf("%s (HTTP %d)", e.Error.Message, status)
	}
	return fmt.Sprintf("control plane answered HTTP %d", status)
}

// NormalizeServerURL checks a control plane URL and strips its trailing
// slash. Only http and https are accepted.
func NormalizeServerURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("server URL %q: want http(s)://host[:port]", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// ConnectURL turns the control plane URL into the websocket URL to dial.
func ConnectURL(server string) string {
	switch {
	case strings.HasPrefix(server, "https://"):
		return "wss://" + strings.TrimPrefix(server, "https://") + protocol.ConnectPath
	default:
		return "ws://" + strings.TrimPrefix(server, "http://") + protocol.ConnectPath
	}
}
