// Package client is a typed client for the control plane's REST API, used
// by the coffer CLI and by tests that drive a real control plane.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxResponse caps how much of a response is read. The largest answers,
// container inventories, stay far below it; a server that sends more is
// broken or is not a control plane.
const maxResponse = 32 << 20

// defaultTimeout bounds a request when the caller brings no http.Client.
const defaultTimeout = 30 * time.Second

// Client talks to one control plane with one API token.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
	// err is a problem with the server URL, reported by every call so
	// that New needs no error of its own.
	err error
}

// New returns a client for the control plane at server, an http:// or
// https:// URL. An empty token sends requests without credentials, which
// the API answers with its 401 error. A nil httpClient means a default one
// with a timeout.
func New(server, token string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultTimeout}
	}
	base, err := parseServer(server)
	return &Client{base: base, token: token, http: httpClient, err: err}
}

func parseServer(server string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil {
		return nil, fmt.Errorf("parse server url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("parse server url %q: want http://host:port or https://host",
			u.Redacted())
	}
	return u, nil
}

// Server returns the control plane's URL as given to New, with any
// password hidden.
func (c *Client) Server() string {
	if c.base == nil {
		return ""
	}
	return c.base.Redacted()
}

// do sends one request with in as its JSON body (when not nil) and decodes
// a successful answer into out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	req, err := c.newRequest(ctx, method, path, in)
	if err != nil {
		return err
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return c.unreachable(err)
	}
	defer resp.Body.Close()

	body, err := readLimited(resp.Body)
	if err != nil {
		return fmt.Errorf("read response from %s: %w", c.Server(), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return parseAPIError(resp.StatusCode, body)
	}

	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decode response to %s %s: %w", method, path, err)
	}
	return nil
}

func (c *Client) newRequest(ctx context.Context, method, path string, in any) (
	*http.Request, error) {
	if c.err != nil {
		return nil, c.err
	}

	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode request to %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}

	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return nil, fmt.Errorf("build request %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// unreachable names the server that could not be reached. The *url.Error
// is unwrapped because it repeats the request's URL; the token is never in
// it, since it travels in a header.
func (c *Client) unreachable(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("reach control plane at %s: %w", c.Server(), err)
}

func readLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxResponse+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxResponse {
		return nil, fmt.Errorf("response exceeds %d bytes", maxResponse)
	}
	return b, nil
}

// segment escapes one path segment, refusing an empty one: it would name
// a different endpoint instead of a missing object.
func segment(what, v string) (string, error) {
	if v == "" {
		return "", fmt.Errorf("check %s: must not be empty", what)
	}
	return url.PathEscape(v), nil
}
