package client_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestCreateEnrollmentToken(t *testing.T) {
	cp := clienttest.Start(t)
	c := client.New(cp.URL, cp.Token, nil)

	for _, tc := range []struct {
		ttl, want time.Duration
	}{
		{ttl: 0, want: time.Hour},
		{ttl: 2 * time.Hour, want: 2 * time.Hour},
	} {
		before := time.Now()
		tok, err := c.CreateEnrollmentToken(testContext(t), tc.ttl)
		if err != nil {
			t.Fatalf("ttl %s: create enrollment token: %v", tc.ttl, err)
		}
		if !strings.HasPrefix(tok.Token, "cfe_") {
			t.Errorf("ttl %s: got token %q, want prefix cfe_", tc.ttl, tok.Token)
		}
		got := tok.ExpiresAt.Sub(before)
		if got < tc.want-time.Minute || got > tc.want+time.Minute {
			t.Errorf("ttl %s: got expiry %s from now, want about %s", tc.ttl, got, tc.want)
		}
	}
}

func TestEnrollmentTokenTTLTooLong(t *testing.T) {
	cp := clienttest.Start(t)
	_, err := client.New(cp.URL, cp.Token, nil).
		CreateEnrollmentToken(testContext(t), 31*24*time.Hour)
	wantAPIError(t, err, http.StatusBadRequest, "bad_request")
}

// TestEnrollmentTokenBody checks what goes on the wire: no ttlSeconds for a
// zero ttl, whole seconds rounded up otherwise.
func TestEnrollmentTokenBody(t *testing.T) {
	bodies := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- string(b)
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(client.EnrollmentToken{Token: "cfe_x"})
	}))
	defer srv.Close()
	c := client.New(srv.URL, "t", nil)

	for _, tc := range []struct {
		ttl  time.Duration
		want string
	}{
		{ttl: 0, want: `{}`},
		{ttl: 90 * time.Minute, want: `{"ttlSeconds":5400}`},
		{ttl: 1500 * time.Millisecond, want: `{"ttlSeconds":2}`},
	} {
		if _, err := c.CreateEnrollmentToken(testContext(t), tc.ttl); err != nil {
			t.Fatalf("ttl %s: %v", tc.ttl, err)
		}
		if got := <-bodies; got != tc.want {
			t.Errorf("ttl %s: got body %s, want %s", tc.ttl, got, tc.want)
		}
	}
}
