package api

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsHandler serves reg, asking for the metrics token when one is set.
func (s *Server) metricsHandler(reg *prometheus.Registry) http.Handler {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	if s.metricsToken == "" {
		return h
	}
	want := []byte(s.metricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="coffer-metrics"`)
			writeError(w, errorf(http.StatusUnauthorized, "unauthorized",
				"Send the metrics token as 'Authorization: Bearer <token>'."))
			return
		}
		h.ServeHTTP(w, r)
	})
}
