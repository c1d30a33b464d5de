package api

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/cofferhq/coffer/controlplane/store"
)

// maxPartsLimit is the largest part count any S3 provider allows.
const maxPartsLimit = 10000

type createTargetRequest struct {
	Name            string `json:"name"`
	Type            string `json:"type"`
	Dir             string `json:"dir"`
	Endpoint        string `json:"endpoint"`
	Region          string `json:"region"`
	Bucket          string `json:"bucket"`
	Prefix          string `json:"prefix"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	PathStyle       bool   `json:"pathStyle"`
	MaxParts        int    `json:"maxParts"`
}

// createStorageTarget stores a target. An s3 target is probed first, so a
// target that is saved is one that accepted a write.
func (s *Server) createStorageTarget(w http.ResponseWriter, r *http.Request) *apiError {
	var req createTargetRequest
	if e := decode(w, r, &req); e != nil {
		return e
	}
	nt, e := s.newTarget(r, req)
	if e != nil {
		return e
	}

	t, err := s.store.CreateTarget(r.Context(), nt)
	if err != nil {
		return s.storeError(r, err, "storage target")
	}
	s.log.Info().Str("target", t.ID).Str("name", t.Name).Str("type", string(t.Type)).
		Msg("storage target created")
	writeJSON(w, http.StatusCreated, viewTarget(t))
	return nil
}

// newTarget checks a request and turns it into what the store keeps.
func (s *Server) newTarget(r *http.Request, req createTargetRequest) (store.NewTarget, *apiError) {
	if req.Name == "" {
		return store.NewTarget{}, badRequest("Field \"name\" is required.")
	}
	if req.MaxParts < 0 || req.MaxParts > maxPartsLimit {
		return store.NewTarget{}, badRequest(fmt.Sprintf(
			"Field \"maxParts\" must be between 1 and %d.", maxPartsLimit))
	}
	// Checked before the probe, which takes seconds, only to answer sooner;
	// the store's unique index decides.
	if _, err := s.store.GetTarget(r.Context(), req.Name); err == nil {
		return store.NewTarget{}, errorf(http.StatusConflict, "conflict",
			"A storage target with that name already exists.")
	}

	switch req.Type {
	case store.TargetLocal:
		return localTarget(req)
	case store.TargetS3:
		return s.s3Target(r, req)
	case "":
		return store.NewTarget{}, badRequest("Field \"type\" is required: \"local\" or \"s3\".")
	}
	return store.NewTarget{}, badRequest(fmt.Sprintf(
		"Field \"type\" is %q; want \"local\" or \"s3\".", req.Type))
}

// localTarget checks a directory on the agents' hosts. The control plane
// cannot see those hosts; the agents report a wrong directory when a backup
// runs.
func localTarget(req createTargetRequest) (store.NewTarget, *apiError) {
	if req.Endpoint != "" || req.Region != "" || req.Bucket != "" || req.Prefix != "" ||
		req.AccessKeyID != "" || req.SecretAccessKey != "" || req.PathStyle {
		return store.NewTarget{}, badRequest("A local target takes \"dir\" and none of " +
			"the S3 fields (endpoint, region, bucket, prefix, accessKeyId, " +
			"secretAccessKey, pathStyle).")
	}
	if req.Dir == "" {
		return store.NewTarget{}, badRequest("Field \"dir\" is required for a local target.")
	}
	if !path.IsAbs(req.Dir) || path.Clean(req.Dir) != req.Dir {
		return store.NewTarget{}, badRequest(fmt.Sprintf(
			"Field \"dir\" must be an absolute, clean path such as %q.",
			path.Clean("/"+req.Dir)))
	}
	return store.NewTarget{
		Name: req.Name, Type: store.TargetLocal, LocalDir: req.Dir, MaxParts: req.MaxParts,
	}, nil
}

func (s *Server) listStorageTargets(w http.ResponseWriter, r *http.Request) *apiError {
	ts, err := s.store.ListTargets(r.Context())
	if err != nil {
		return s.internal(r, err)
	}
	out := make([]targetView, 0, len(ts))
	for _, t := range ts {
		out = append(out, viewTarget(t))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// getStorageTarget accepts a target's id or its name.
func (s *Server) getStorageTarget(w http.ResponseWriter, r *http.Request) *apiError {
	t, err := s.store.GetTarget(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "storage target")
	}
	writeJSON(w, http.StatusOK, viewTarget(t))
	return nil
}

// deleteStorageTarget refuses to delete a target that still holds backups
// or is a project's default: those backups would become unreadable.
func (s *Server) deleteStorageTarget(w http.ResponseWriter, r *http.Request) *apiError {
	t, err := s.store.GetTarget(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "storage target")
	}
	err = s.store.DeleteTarget(r.Context(), t.ID)
	if errors.Is(err, store.ErrConflict) {
		return errorf(http.StatusConflict, "target_in_use", sentence(fmt.Sprintf(
			"Storage target %q is in use: %s", t.Name, conflictReason(err))))
	}
	if err != nil {
		return s.storeError(r, err, "storage target")
	}
	s.log.Info().Str("target", t.ID).Msg("storage target deleted")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// conflictReason is what a store conflict says about its cause, without the
// Go call chain in front of it.
func conflictReason(err error) string {
	msg := err.Error()
	marker := store.ErrConflict.Error() + ": "
	if i := strings.LastIndex(msg, marker); i >= 0 {
		return msg[i+len(marker):]
	}
	return "other records refer to it"
}
