package store

import "path"

// Limits of storage target settings.
const (
	maxTargetField = 1024
	// maxPartsLimit is the largest part count any S3 provider allows.
	maxPartsLimit = 10000
	// maxPathLen is Linux's PATH_MAX.
	maxPathLen = 4096
)

func validateNewTarget(t NewTarget) error {
	if err := validateProjectName(t.Name); err != nil {
		return invalid("storage target name %q must be like a project name: lowercase "+
			"letters, digits, '_', '.' or '-', at most 63, starting with a letter or digit",
			t.Name)
	}
	if t.MaxParts < 1 || t.MaxParts > maxPartsLimit {
		return invalid("max parts %d must be between 1 and %d", t.MaxParts, maxPartsLimit)
	}

	switch t.Type {
	case TargetLocal:
		return validateLocalTarget(t)
	case TargetS3:
		return validateS3Target(t)
	}
	return invalid("storage target type %q must be %q or %q", t.Type, TargetLocal, TargetS3)
}

func validateLocalTarget(t NewTarget) error {
	if t.Endpoint != "" || t.Region != "" || t.Bucket != "" || t.Prefix != "" ||
		t.AccessKeyID != "" || t.SecretSealed != "" || t.PathStyle {
		return invalid("a local storage target takes a directory and no S3 settings")
	}
	return validateAbsPath("directory", t.LocalDir)
}

func validateS3Target(t NewTarget) error {
	if t.LocalDir != "" {
		return invalid("an s3 storage target takes no local directory")
	}
	required := []struct{ what, v string }{
		{"bucket", t.Bucket}, {"access key id", t.AccessKeyID},
		{"secret access key", t.SecretSealed},
	}
	for _, f := range required {
		if f.v == "" {
			return invalid("an s3 storage target needs a %s", f.what)
		}
	}

	optional := []struct{ what, v string }{
		{"endpoint", t.Endpoint}, {"region", t.Region}, {"prefix", t.Prefix},
	}
	for _, f := range append(required, optional...) {
		if f.v == "" {
			continue
		}
		if err := validateText(f.what, f.v, maxTargetField); err != nil {
			return err
		}
	}
	return nil
}

// validateAbsPath accepts an absolute, clean path. Paths name directories
// on hosts, which are Linux, so they are checked with slash semantics
// whatever the control plane runs on.
func validateAbsPath(what, p string) error {
	if err := validateText(what, p, maxPathLen); err != nil {
		return err
	}
	if !path.IsAbs(p) {
		return invalid("%s %q must be an absolute path", what, p)
	}
	if clean := path.Clean(p); clean != p {
		return invalid("%s %q must be clean, as %q", what, p, clean)
	}
	return nil
}
