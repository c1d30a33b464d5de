package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cofferhq/coffer/controlplane/store"
)

type ctxKey int

const tokenKey ctxKey = iota

// authed requires a valid API bearer token.
func (s *Server) authed(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) *apiError {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || raw == "" || len(raw) > 256 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="coffer"`)
			return errUnauthorized
		}
		tok, err := s.store.AuthenticateAPIToken(r.Context(), strings.TrimSpace(raw))
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="coffer", error="invalid_token"`)
			return errUnauthorized
		}
		if err != nil {
			return s.internal(r, err)
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), tokenKey, tok.ID)))
	}
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coffer_http_requests_total",
			Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "coffer_http_request_duration_seconds",
			Help:    "HTTP request latency by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.duration)
	}
	return m
}

// instrument counts and times every request by its route pattern, never by
// its raw path, so ids in paths do not grow the label set. It also turns a
// panic into a 500 that is logged once.
func (s *Server) instrument(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		_, route := mux.Handler(r)
		if route == "" {
			route = "unmatched"
		}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error().Interface("panic", p).Str("route", route).Msg("handler panicked")
				if !rec.wrote {
					writeError(rec, errInternal)
				}
			}
			code := strconv.Itoa(rec.status)
			s.metrics.requests.WithLabelValues(route, code).Inc()
			s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		}()
		mux.ServeHTTP(rec, r)
	})
}

// statusRecorder remembers the status code a handler wrote. It keeps the
// Hijacker of the underlying writer reachable, which the agents' websocket
// upgrade needs.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
