package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ProjectPath is a configuration path on a host that is backed up with a
// project, beside its containers' volumes.
type ProjectPath struct {
	ent.Schema
}

// Mixin of the ProjectPath.
func (ProjectPath) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}, createdMixin{}}
}

// Fields of the ProjectPath.
func (ProjectPath) Fields() []ent.Field {
	return []ent.Field{
		field.String("project_id").
			Immutable(),
		// host_id is a plain field: hosts are revoked rather than deleted,
		// and the path stays listed so the operator sees what it named.
		field.String("host_id").
			NotEmpty().
			Immutable(),
		// path is absolute and clean.
		field.String("path").
			NotEmpty().
			Immutable(),
	}
}

// Edges of the ProjectPath.
func (ProjectPath) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("project", Project.Type).
			Ref("paths").
			Field("project_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of the ProjectPath.
func (ProjectPath) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("project_id", "host_id", "path").
			Unique(),
	}
}
