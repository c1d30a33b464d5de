package api

import (
	"time"

	"github.com/cofferhq/coffer/ent"
)

// The JSON shapes of the API. They are kept apart from the ent types so the
// schema can change without changing what clients see.

type projectView struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Consistency     string    `json:"consistency"`
	DefaultTargetID *string   `json:"defaultTargetId"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

func viewProject(p *ent.Project) projectView {
	return projectView{
		ID: p.ID, Name: p.Name, Consistency: string(p.Consistency),
		DefaultTargetID: p.DefaultTargetID, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

type hostView struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Status       string            `json:"status"`
	LastSeenAt   *time.Time        `json:"lastSeenAt"`
	AgentVersion string            `json:"agentVersion"`
	Facts        map[string]string `json:"facts"`
	CreatedAt    time.Time         `json:"createdAt"`
}

func viewHost(h *ent.Host) hostView {
	return hostView{
		ID: h.ID, Name: h.Name, Status: string(h.Status), LastSeenAt: h.LastSeenAt,
		AgentVersion: h.AgentVersion, Facts: h.Facts, CreatedAt: h.CreatedAt,
	}
}

type mountView struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Type        string `json:"type"`
}

type containerView struct {
	ID        string            `json:"id"`
	HostID    string            `json:"hostId"`
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Image     string            `json:"image"`
	Labels    map[string]string `json:"labels"`
	State     string            `json:"state"`
	Mounts    []mountView       `json:"mounts"`
}

func viewContainers(cs []*ent.Container) []containerView {
	out := make([]containerView, 0, len(cs))
	for _, c := range cs {
		mounts := make([]mountView, 0, len(c.Mounts))
		for _, m := range c.Mounts {
			mounts = append(mounts, mountView{
				Source: m.Source, Destination: m.Destination, Type: m.Type,
			})
		}
		out = append(out, containerView{
			ID: c.ContainerID, HostID: c.HostID, Namespace: c.Namespace, Name: c.Name,
			Image: c.Image, Labels: c.Labels, State: c.State, Mounts: mounts,
		})
	}
	return out
}
