package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// DefaultMaxParts is the part count every S3-compatible provider accepts;
// AWS allows 10,000, but Backblaze B2 and some others stop at 1,000.
const DefaultMaxParts = 1000

// StorageTarget is a place backups are written to: an S3-compatible bucket
// or a directory on the agents' hosts.
type StorageTarget struct {
	ent.Schema
}

// Mixin of the StorageTarget.
func (StorageTarget) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}, timestampsMixin{}}
}

// Fields of the StorageTarget.
func (StorageTarget) Fields() []ent.Field {
	return []ent.Field{
		// The name follows the rule of project names: it appears in the
		// CLI and in logs next to them.
		field.String("name").
			Unique().
			MaxLen(ProjectNameMaxLen).
			Match(ProjectNamePattern),
		field.Enum("type").
			Values("local", "s3").
			Immutable(),
		field.String("endpoint").Default(""),
		field.String("region").Default(""),
		field.String("bucket").Default(""),
		field.String("prefix").Default(""),
		field.Bool("path_style").Default(false),
		field.String("access_key_id").Default(""),
		// secret_sealed is the secret access key sealed under the master
		// key; a copy of the database alone does not reveal it.
		field.String("secret_sealed").
			Default("").
			Sensitive(),
		// local_dir is a directory on the agents' hosts, for local targets.
		field.String("local_dir").Default(""),
		field.Int("max_parts").
			Default(DefaultMaxParts).
			Positive(),
	}
}

// Edges of the StorageTarget.
func (StorageTarget) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("default_of", Project.Type),
	}
}
