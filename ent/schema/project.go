package schema

import (
	"regexp"

	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// ProjectNamePattern is what a project name must match; names end up in
// object keys and container labels, so they stay lowercase and path-safe.
var ProjectNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// ProjectNameMaxLen bounds a project name like a DNS label.
const ProjectNameMaxLen = 63

// Project groups the containers, volumes and databases that are backed up
// together.
type Project struct {
	ent.Schema
}

// Mixin of the Project.
func (Project) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}, timestampsMixin{}}
}

// Fields of the Project.
func (Project) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Unique().
			MaxLen(ProjectNameMaxLen).
			Match(ProjectNamePattern),
		// consistency says what happens to a container while its volumes
		// are read: paused, stopped, or left running.
		field.Enum("consistency").
			Values("pause", "stop", "none").
			Default("pause"),
		// default_target_id names where backups go when a request does
		// not say.
		field.String("default_target_id").
			Optional().
			Nillable(),
	}
}

// Edges of the Project.
func (Project) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("default_target", StorageTarget.Type).
			Ref("default_of").
			Field("default_target_id").
			Unique(),
		edge.To("paths", ProjectPath.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}
