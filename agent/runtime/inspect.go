package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/containerd/containerd/api/services/tasks/v1"

	"github.com/cofferhq/coffer/protocol"
)

// Inspect returns one container with the current state of its task. Its error
// wraps ErrNotFound when the container does not exist.
func (r *Runtime) Inspect(ctx context.Context, namespace, id string) (protocol.Container, error) {
	ctx = in(ctx, namespace)
	rec, err := r.client.ContainerService().Get(ctx, id)
	if err != nil {
		return protocol.Container{}, fmt.Errorf("get container %s/%s: %w",
			namespace, id, classify(err))
	}

	state, err := r.taskState(ctx, id)
	if err != nil {
		return protocol.Container{}, fmt.Errorf("get task of %s/%s: %w", namespace, id, err)
	}
	return describe(namespace, rec, state)
}

// taskState returns the state of one container's task in the namespace of
// ctx; a container without a task is created.
func (r *Runtime) taskState(ctx context.Context, id string) (protocol.ContainerState, error) {
	resp, err := r.client.TaskService().Get(ctx, &tasks.GetRequest{ContainerID: id})
	if err != nil {
		err = classify(err)
		if errors.Is(err, ErrNotFound) {
			return protocol.StateCreated, nil
		}
		return "", err
	}
	return stateOf(resp.GetProcess().GetStatus()), nil
}
