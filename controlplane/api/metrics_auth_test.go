package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/api"
	"github.com/cofferhq/coffer/controlplane/store"
)

func metricsStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMetricsToken(t *testing.T) {
	st, err := store.Open(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.CreateAPIToken(t.Context(), "admin", listToken, nil); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, configured, sent string
		want                   int
	}{
		{"open without a token", "", "", http.StatusOK},
		{"token asked, none sent", "metrics-secret", "", http.StatusUnauthorized},
		{"token asked, API token sent", "metrics-secret", listToken, http.StatusUnauthorized},
		{"token asked, wrong one", "metrics-secret", "metrics-secreT", http.StatusUnauthorized},
		{"token asked and sent", "metrics-secret", "metrics-secret", http.StatusOK},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(api.New(api.Config{
			Store: st, Logger: zerolog.Nop(), Registry: prometheus.NewRegistry(),
			MetricsToken: tc.configured,
		}))
		if got := metricsStatus(t, srv.URL, tc.sent); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
		srv.Close()
	}
}
