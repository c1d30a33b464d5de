package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// apiTimeout bounds one REST call. A fleet ping waits for every agent, each
// up to the control plane's own per-ping timeout, so it is generous.
const apiTimeout = 2 * time.Minute

// apiClient calls the control plane's REST API with the admin token.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

func newAPIClient(base, token string) *apiClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Enrollment runs concurrently; without enough idle connections each
	// request would open a new one and leave it in TIME_WAIT.
	tr.MaxIdleConnsPerHost = enrollConcurrency * 2
	return &apiClient{base: base, token: token, http: &http.Client{Transport: tr}}
}

// call sends in as JSON (when not nil) and decodes the reply into out
// (when not nil).
func (a *apiClient) call(ctx context.Context, method, path string, in, out any) error {
	body, err := a.send(ctx, method, path, in)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decode %s %s reply: %w", method, path, err)
	}
	return nil
}

func (a *apiClient) send(ctx context.Context, method, path string, in any) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	req, err := a.request(ctx, method, path, in)
	if err != nil {
		return nil, err
	}

	resp, err := a.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("call %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read %s %s reply: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("call %s %s: HTTP %d: %s", method, path, resp.StatusCode,
			bytes.TrimSpace(body))
	}
	return body, nil
}

func (a *apiClient) request(ctx context.Context, method, path string,
	in any) (*http.Request, error) {
	var rd io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s body: %w", method, path, err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("build %s %s request: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// get returns the raw body of a GET, for /metrics and profiles.
func (a *apiClient) get(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("build GET %s request: %w", url, err)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get %s: HTTP %d", url, resp.StatusCode)
	}
	return body, nil
}
