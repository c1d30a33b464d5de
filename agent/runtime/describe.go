package runtime

import (
	"fmt"
	"slices"

	"github.com/containerd/containerd/api/types/task"
	"github.com/containerd/containerd/containers"
	"github.com/containerd/typeurl/v2"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/cofferhq/coffer/protocol"
)

// nameLabels hold a container's human name, in the order they are trusted:
// Kubernetes' name of the container within its pod, then nerdctl's --name.
// Docker passes no name (nor its labels) down to containerd, so Docker's
// containers go by their id.
var nameLabels = []string{"io.kubernetes.container.name", "nerdctl/name"}

// describe turns a containerd record and its task state into the inventory
// form.
func describe(ns string, rec containers.Container,
	state protocol.ContainerState) (protocol.Container, error) {
	mounts, err := specMounts(rec.Spec)
	if err != nil {
		return protocol.Container{}, fmt.Errorf("read spec of %s/%s: %w", ns, rec.ID, err)
	}
	return protocol.Container{
		ID:        rec.ID,
		Namespace: ns,
		Name:      nameOf(rec.ID, rec.Labels),
		Image:     rec.Image,
		Labels:    rec.Labels,
		State:     state,
		Mounts:    mounts,
		CreatedAt: rec.CreatedAt,
	}, nil
}

func nameOf(id string, labels map[string]string) string {
	for _, key := range nameLabels {
		if name := labels[key]; name != "" {
			return name
		}
	}
	return id
}

// specMounts reads the mounts of an OCI runtime spec. A container created
// without a spec has none.
func specMounts(spec typeurl.Any) ([]protocol.Mount, error) {
	if spec == nil || len(spec.GetValue()) == 0 {
		return nil, nil
	}
	var s specs.Spec
	if err := typeurl.UnmarshalTo(spec, &s); err != nil {
		return nil, fmt.Errorf("decode runtime spec: %w", err)
	}

	mounts := make([]protocol.Mount, 0, len(s.Mounts))
	for _, m := range s.Mounts {
		mounts = append(mounts, protocol.Mount{
			Source:      m.Source,
			Destination: m.Destination,
			Type:        mountType(m),
		})
	}
	return mounts, nil
}

// mountType names every bind mount "bind": runc binds any mount whose options
// ask for it, and nerdctl and the CRI write such mounts with type "none" or
// an empty type.
func mountType(m specs.Mount) string {
	if slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind") {
		return "bind"
	}
	return m.Type
}

// stateOf maps a task status to a container state. A task that is being
// paused still runs until the freeze completes.
func stateOf(s task.Status) protocol.ContainerState {
	switch s {
	case task.Status_CREATED:
		return protocol.StateCreated
	case task.Status_RUNNING, task.Status_PAUSING:
		return protocol.StateRunning
	case task.Status_PAUSED:
		return protocol.StatePaused
	case task.Status_STOPPED:
		return protocol.StateStopped
	}
	return protocol.StateUnknown
}
