// Package api serves the control plane's REST API, its health endpoints and
// the agents' enroll and connect endpoints.
package api

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/backup"
	"github.com/cofferhq/coffer/controlplane/hub"
	"github.com/cofferhq/coffer/controlplane/secrets"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/protocol"
)

// Config holds what the API needs.
type Config struct {
	Store    *store.Store
	Hub      *hub.Hub
	Logger   zerolog.Logger
	Registry *prometheus.Registry
	// Backups runs backups, restores and catalog imports.
	Backups *backup.Runner
	// PublicURL is the URL agents dial, announced with enrollment tokens.
	PublicURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Secrets seals the storage credentials the API stores.
	Secrets secrets.Key
	// ProbeTimeout bounds the test of a new storage target; zero means
	// 15 seconds.
	ProbeTimeout time.Duration
	// MetricsToken, when set, is the bearer token GET /metrics asks for.
	// It is a credential of its own, as a scraper's configuration holds
	// it; empty leaves /metrics open.
	MetricsToken string
}

// defaultProbeTimeout leaves room for a slow provider's TLS handshake and
// three requests, yet answers while the operator still waits.
const defaultProbeTimeout = 15 * time.Second

// Server is the HTTP face of the control plane.
type Server struct {
	store     *store.Store
	hub       *hub.Hub
	backups   *backup.Runner
	log       zerolog.Logger
	publicURL string
	now       func() time.Time
	metrics   *httpMetrics
	handler   http.Handler

	secrets      secrets.Key
	probeTimeout time.Duration
	metricsToken string
}

// New builds the API and its routes.
func New(cfg Config) *Server {
	s := &Server{
		store:     cfg.Store,
		hub:       cfg.Hub,
		backups:   cfg.Backups,
		log:       cfg.Logger.With().Str("component", "api").Logger(),
		now:       cfg.Now,
		publicURL: cfg.PublicURL,
		metrics:   newHTTPMetrics(cfg.Registry),

		secrets:      cfg.Secrets,
		probeTimeout: cfg.ProbeTimeout,
		metricsToken: cfg.MetricsToken,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.probeTimeout <= 0 {
		s.probeTimeout = defaultProbeTimeout
	}
	s.handler = s.routes(cfg.Registry)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// handlerFunc is a handler that returns its error response instead of
// writing it, so every error goes through one place.
type handlerFunc func(w http.ResponseWriter, r *http.Request) *apiError

func (s *Server) routes(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routeTable(reg) {
		mux.Handle(rt.muxPattern(), s.handlerFor(rt))
	}
	return s.instrument(mux)
}

// route is one endpoint of the server. The table of them is what the mux
// serves and what the OpenAPI test compares with the document.
type route struct {
	// method is empty for the fallback, which matches every method.
	method string
	// pattern is a ServeMux path; its {name} wildcards are OpenAPI's too.
	pattern string
	// public routes take no API token; their callers prove themselves
	// otherwise or need no proof.
	public bool
	h      handlerFunc
	// plain is set instead of h by handlers that write their own errors.
	plain http.Handler
}

func plain(method, pattern string, h http.Handler) route {
	return route{method: method, pattern: pattern, public: true, plain: h}
}

func public(method, pattern string, h handlerFunc) route {
	return route{method: method, pattern: pattern, public: true, h: h}
}

func private(method, pattern string, h handlerFunc) route {
	return route{method: method, pattern: pattern, h: h}
}

// routeTable lists every endpoint. reg is what GET /metrics exposes.
func (s *Server) routeTable(reg *prometheus.Registry) []route {
	return []route{
		plain("GET", "/healthz", http.HandlerFunc(s.healthz)),
		plain("GET", "/readyz", http.HandlerFunc(s.readyz)),
		plain("GET", "/metrics", s.metricsHandler(reg)),
		plain("GET", protocol.ConnectPath, s.hub),
		public("POST", protocol.EnrollPath, s.enrollAgent),
		public("GET", "/api/openapi.json", s.openAPI),

		private("POST", "/api/projects", s.createProject),
		private("GET", "/api/projects", s.listProjects),
		private("GET", "/api/projects/{id}", s.getProject),
		private("DELETE", "/api/projects/{id}", s.deleteProject),
		private("GET", "/api/projects/{id}/containers", s.listProjectContainers),
		private("PATCH", "/api/projects/{id}", s.updateProject),
		private("POST", "/api/projects/{id}/paths", s.addProjectPath),
		private("GET", "/api/projects/{id}/paths", s.listProjectPaths),
		private("DELETE", "/api/projects/{id}/paths/{pathId}", s.deleteProjectPath),

		private("POST", "/api/storage-targets", s.createStorageTarget),
		private("GET", "/api/storage-targets", s.listStorageTargets),
		private("GET", "/api/storage-targets/{id}", s.getStorageTarget),
		private("DELETE", "/api/storage-targets/{id}", s.deleteStorageTarget),

		private("POST", "/api/backups", s.createBackup),
		private("GET", "/api/backups", s.listBackups),
		private("GET", "/api/backups/{id}", s.getBackup),
		private("DELETE", "/api/backups/{id}", s.deleteBackup),
		private("POST", "/api/backups/{id}/restore", s.restoreBackup),
		private("GET", "/api/backups/{id}/events", s.backupEvents),
		private("GET", "/api/restores/{id}", s.getRestore),
		private("POST", "/api/storage-targets/{id}/import", s.importCatalog),

		private("POST", "/api/enrollment-tokens", s.createEnrollmentToken),

		private("GET", "/api/hosts", s.listHosts),
		private("GET", "/api/hosts/{id}", s.getHost),
		private("DELETE", "/api/hosts/{id}", s.revokeHost),
		private("GET", "/api/hosts/{id}/containers", s.listHostContainers),
		private("POST", "/api/hosts/{id}/ping", s.pingHost),
		private("POST", "/api/hosts/ping", s.pingFleet),

		public("", "/api/", noEndpoint),
	}
}

// noEndpoint answers the /api paths no route has, whatever their method,
// with the API's error body rather than the mux's plain text.
func noEndpoint(http.ResponseWriter, *http.Request) *apiError {
	return errorf(http.StatusNotFound, "not_found", "No API endpoint has that path.")
}

func (rt route) muxPattern() string {
	if rt.method == "" {
		return rt.pattern
	}
	return rt.method + " " + rt.pattern
}

func (s *Server) handlerFor(rt route) http.Handler {
	switch {
	case rt.plain != nil:
		return rt.plain
	case rt.public:
		return s.wrap(rt.h)
	}
	return s.wrap(s.authed(rt.h))
}

// wrap turns a handlerFunc into an http.Handler that writes its error.
func (s *Server) wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e := h(w, r); e != nil {
			writeError(w, e)
		}
	})
}

// internal logs an unexpected error once and hides it from the client.
func (s *Server) internal(r *http.Request, err error) *apiError {
	s.log.Error().Err(err).Str("method", r.Method).Str("route", r.Pattern).
		Msg("request failed")
	return errInternal
}

// storeError maps a store error to its response, logging what is not the
// client's fault.
func (s *Server) storeError(r *http.Request, err error, what string) *apiError {
	if e := fromStore(err, what); e != nil {
		return e
	}
	return s.internal(r, err)
}
