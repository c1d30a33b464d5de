package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	apievents "github.com/containerd/containerd/api/events"
	"github.com/containerd/containerd/events"
	"github.com/containerd/typeurl/v2"

	"github.com/cofferhq/coffer/protocol"
)

// watchedTopics are the containerd events that change what the inventory says
// about a container.
var watchedTopics = []string{
	"/containers/create", "/containers/update", "/containers/delete",
	"/tasks/start", "/tasks/exit", "/tasks/delete", "/tasks/paused", "/tasks/resumed",
}

// Watch follows containerd's events in the watched namespaces and reports each
// one as the change of one container: its fresh state as an upsert, or its
// key in Deletes once it is gone. Reports are made from Watch's goroutine, one
// at a time.
//
// Watch returns ctx.Err() when ctx ends, and an error when the event stream
// breaks; changes made while nobody watches are lost, so the caller lists
// again after reconnecting. Starting Watch before that List closes the gap.
func (r *Runtime) Watch(ctx context.Context, report func(protocol.Inventory)) error {
	// Cancelling ends the subscription when Watch returns for any reason.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	stream, errs := r.client.Subscribe(ctx, r.eventFilters()...)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-errs:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err == nil {
				err = unavailable(errors.New("event stream closed"))
			}
			return fmt.Errorf("receive containerd events: %w", classify(err))
		case env := <-stream:
			if err := r.relay(ctx, env, report); err != nil {
				return err
			}
		}
	}
}

// eventFilters selects the watched topics in the watched namespaces; the
// values are quoted because topics contain slashes.
func (r *Runtime) eventFilters() []string {
	filters := make([]string, 0, len(r.namespaces)*len(watchedTopics))
	for _, ns := range r.namespaces {
		for _, topic := range watchedTopics {
			filters = append(filters, fmt.Sprintf("namespace==%s,topic==%s",
				strconv.Quote(ns), strconv.Quote(topic)))
		}
	}
	return filters
}

// relay reads the container an event is about and reports its current state.
// Reading it afresh, rather than applying the event, keeps the report right
// even when events arrive late or out of order.
func (r *Runtime) relay(ctx context.Context, env *events.Envelope,
	report func(protocol.Inventory)) error {
	if env == nil || !slices.Contains(r.namespaces, env.Namespace) {
		return nil
	}
	id, err := eventContainerID(env.Event)
	if err != nil {
		return fmt.Errorf("decode %s event: %w", env.Topic, err)
	}

	c, err := r.Inspect(ctx, env.Namespace, id)
	switch {
	case errors.Is(err, ErrNotFound):
		gone := protocol.Container{Namespace: env.Namespace, ID: id}
		report(protocol.Inventory{Deletes: []string{gone.Key()}})
	case err != nil:
		return err
	default:
		report(protocol.Inventory{Upserts: []protocol.Container{c}})
	}
	return nil
}

// eventContainerID returns the id of the container an event is about.
func eventContainerID(event typeurl.Any) (string, error) {
	v, err := typeurl.UnmarshalAny(event)
	if err != nil {
		return "", err
	}
	switch e := v.(type) {
	case *apievents.ContainerCreate:
		return e.ID, nil
	case *apievents.ContainerUpdate:
		return e.ID, nil
	case *apievents.ContainerDelete:
		return e.ID, nil
	case *apievents.TaskStart:
		return e.ContainerID, nil
	case *apievents.TaskExit:
		return e.ContainerID, nil
	case *apievents.TaskDelete:
		return e.ContainerID, nil
	case *apievents.TaskPaused:
		return e.ContainerID, nil
	case *apievents.TaskResumed:
		return e.ContainerID, nil
	}
	return "", fmt.Errorf("unexpected event type %T", v)
}
