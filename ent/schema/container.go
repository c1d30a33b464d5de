package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Mount is one mount of a container as the agent reported it.
type Mount struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Type        string `json:"type"`
}

// Container is one container of a host's inventory, kept current by the
// agent.
type Container struct {
	ent.Schema
}

// Mixin of the Container.
func (Container) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}, timestampsMixin{}}
}

// Fields of the Container.
func (Container) Fields() []ent.Field {
	return []ent.Field{
		field.String("host_id").
			Immutable(),
		field.String("namespace").
			NotEmpty().
			Immutable(),
		// container_id is the id containerd knows the container by.
		field.String("container_id").
			NotEmpty().
			Immutable(),
		field.String("name").
			Default(""),
		field.String("image").
			Default(""),
		field.JSON("labels", map[string]string{}).
			Optional(),
		field.String("state").
			Default(""),
		field.JSON("mounts", []Mount{}).
			Optional(),
		// project_label copies the coffer.project label out of the JSON so
		// that a project's containers can be found through an index.
		field.String("project_label").
			Default(""),
	}
}

// Edges of the Container.
func (Container) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("host", Host.Type).
			Ref("containers").
			Field("host_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of the Container.
func (Container) Indexes() []ent.Index {
	return []ent.Index{
		// host_id leads so that listing one host's containers uses it too.
		index.Fields("host_id", "namespace", "container_id").
			Unique(),
		index.Fields("project_label"),
	}
}
