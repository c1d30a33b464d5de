package runtime

import (
	"context"
	"fmt"

	"github.com/containerd/containerd/api/services/tasks/v1"

	"github.com/cofferhq/coffer/protocol"
)

// List returns every container of the watched namespaces. A namespace that
// does not exist holds no containers.
func (r *Runtime) List(ctx context.Context) ([]protocol.Container, error) {
	var all []protocol.Container
	for _, ns := range r.namespaces {
		found, err := r.listNamespace(ctx, ns)
		if err != nil {
			return nil, err
		}
		all = append(all, found...)
	}
	return all, nil
}

// listNamespace reads the containers and the tasks of one namespace in two
// calls, rather than two calls per container.
func (r *Runtime) listNamespace(ctx context.Context, ns string) ([]protocol.Container, error) {
	ctx = in(ctx, ns)
	records, err := r.client.ContainerService().List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list containers in %s: %w", ns, classify(err))
	}

	states, err := r.taskStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("list tasks in %s: %w", ns, err)
	}

	found := make([]protocol.Container, 0, len(records))
	for _, rec := range records {
		state, ok := states[rec.ID]
		if !ok {
			state = protocol.StateCreated
		}
		c, err := describe(ns, rec, state)
		if err != nil {
			return nil, err
		}
		found = append(found, c)
	}
	return found, nil
}

// taskStates maps container ids to the state of their task in the namespace
// of ctx. Containers without a task are absent.
func (r *Runtime) taskStates(ctx context.Context) (map[string]protocol.ContainerState, error) {
	resp, err := r.client.TaskService().List(ctx, &tasks.ListTasksRequest{})
	if err != nil {
		return nil, classify(err)
	}
	states := make(map[string]protocol.ContainerState, len(resp.Tasks))
	for _, t := range resp.Tasks {
		states[t.ID] = stateOf(t.Status)
	}
	return states, nil
}
