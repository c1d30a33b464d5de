package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/controlplane/store"
)

// s3Target checks the S3 settings by writing and deleting a probe object,
// then seals the secret for storage.
func (s *Server) s3Target(r *http.Request, req createTargetRequest) (store.NewTarget, *apiError) {
	if req.Dir != "" {
		return store.NewTarget{}, badRequest("An s3 target takes no \"dir\"; " +
			"a directory on the hosts is a local target.")
	}
	required := []struct{ field, v string }{
		{"bucket", req.Bucket}, {"accessKeyId", req.AccessKeyID},
		{"secretAccessKey", req.SecretAccessKey},
	}
	for _, f := range required {
		if f.v == "" {
			return store.NewTarget{}, badRequest(fmt.Sprintf(
				"Field %q is required for an s3 target.", f.field))
		}
	}

	cfg := storage.S3Config{
		Endpoint: req.Endpoint, Region: req.Region, Bucket: req.Bucket, Prefix: req.Prefix,
		AccessKeyID: req.AccessKeyID, SecretAccessKey: req.SecretAccessKey,
		PathStyle: req.PathStyle,
	}
	target, err := storage.NewS3(cfg)
	if err != nil {
		return store.NewTarget{}, s.storageError(r, cfg, err)
	}
	if e := s.probe(r, cfg, target); e != nil {
		return store.NewTarget{}, e
	}

	sealed, err := s.secrets.Seal([]byte(req.SecretAccessKey))
	if err != nil {
		return store.NewTarget{}, s.internal(r, fmt.Errorf("seal storage secret: %w", err))
	}
	return store.NewTarget{
		Name: req.Name, Type: store.TargetS3, Endpoint: req.Endpoint, Region: req.Region,
		Bucket: req.Bucket, Prefix: target.Prefix(), AccessKeyID: req.AccessKeyID,
		SecretSealed: sealed, PathStyle: req.PathStyle, MaxParts: req.MaxParts,
	}, nil
}

func (s *Server) probe(r *http.Request, cfg storage.S3Config, t *storage.S3) *apiError {
	ctx, cancel := context.WithTimeout(r.Context(), s.probeTimeout)
	defer cancel()

	err := t.Probe(ctx)
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errorf(http.StatusBadRequest, "storage_unreachable", fmt.Sprintf(
			"The storage at %s did not answer within %s; check the endpoint and "+
				"that the control plane can reach it.", where(cfg), s.probeTimeout))
	}
	return s.storageError(r, cfg, err)
}

// storageError turns a storage sentinel into a response. None of these are
// the control plane's fault: they describe the operator's settings or the
// provider.
func (s *Server) storageError(r *http.Request, cfg storage.S3Config, err error) *apiError {
	bad := http.StatusBadRequest
	switch {
	case errors.Is(err, storage.ErrAccessDenied):
		return errorf(bad, "storage_access_denied", sentence(
			"The storage refused the credentials: "+detail(err, storage.ErrAccessDenied)))
	case errors.Is(err, storage.ErrBucketNotFound):
		return errorf(bad, "storage_bucket_not_found", fmt.Sprintf(
			"Bucket %q does not exist at %s; create it first.", cfg.Bucket, where(cfg)))
	case errors.Is(err, storage.ErrUnreachable):
		return errorf(bad, "storage_unreachable", sentence(fmt.Sprintf(
			"The storage at %s cannot be reached: %s", where(cfg),
			detail(err, storage.ErrUnreachable))))
	case errors.Is(err, storage.ErrInvalidConfig):
		return errorf(bad, "storage_invalid_config", sentence(
			"The storage settings cannot work: "+detail(err, storage.ErrInvalidConfig)))
	case errors.Is(err, storage.ErrUnavailable):
		return errorf(http.StatusBadGateway, "storage_unavailable", sentence(fmt.Sprintf(
			"The storage at %s is failing or overloaded (%s); try again later", where(cfg),
			detail(err, storage.ErrUnavailable))))
	case errors.Is(err, storage.ErrRejected):
		return errorf(bad, "storage_rejected", sentence(
			"The storage refused the probe object: "+detail(err, storage.ErrRejected)))
	}
	return s.internal(r, err)
}

// where names the storage for a person.
func where(cfg storage.S3Config) string {
	if cfg.Endpoint != "" {
		return cfg.Endpoint
	}
	if cfg.Region != "" {
		return "AWS S3 in " + cfg.Region
	}
	return "AWS S3"
}

// detail is the provider's explanation that follows kind in err's text,
// without the Go call chain in front of it; failing that, all of it.
func detail(err, kind error) string {
	msg := err.Error()
	marker := kind.Error()
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return msg
	}
	if rest := strings.TrimPrefix(msg[i+len(marker):], ": "); rest != "" {
		return rest
	}
	// The sentinel stands alone; what preceded it names the setting.
	return strings.TrimSuffix(strings.TrimPrefix(msg[:i], "configure s3 target: "), ": ")
}
