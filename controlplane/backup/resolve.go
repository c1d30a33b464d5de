package backup

import (
	"context"
	"fmt"

	"github.com/cofferhq/coffer/controlplane/targets"
)

// openTargetID reads and opens a storage target by id.
func (r *Runner) openTargetID(ctx context.Context, id string) (targets.Resolved, error) {
	t, err := r.store.GetTarget(ctx, id)
	if err != nil {
		return targets.Resolved{}, err
	}
	res, err := r.openTarget(t)
	if err != nil {
		return targets.Resolved{}, fmt.Errorf("open storage target %s: %w", t.Name, err)
	}
	return res, nil
}

// projectName names a project for metrics; a project that is gone, or
// was never known here, is named by its id.
func (r *Runner) projectName(ctx context.Context, id string) string {
	if p, err := r.store.GetProject(ctx, id); err == nil {
		return p.Name
	}
	return id
}
