package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// BackupItem is one thing a backup holds: a container's volume or a path on
// a host, stored as one object.
type BackupItem struct {
	ent.Schema
}

// Mixin of the BackupItem.
func (BackupItem) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}}
}

// Fields of the BackupItem.
func (BackupItem) Fields() []ent.Field {
	return []ent.Field{
		field.String("backup_id").
			Immutable(),
		field.Enum("kind").
			Values("volume", "path").
			Immutable(),
		field.String("host_id").
			Immutable(),
		// The container fields are empty for host paths.
		field.String("container_namespace").Default("").Immutable(),
		field.String("container_id").Default("").Immutable(),
		field.String("container_name").Default("").Immutable(),
		field.String("source_path").Immutable(),
		field.String("object_key").Immutable(),
		// upload_id is the open multipart upload, so that a crashed
		// backup's upload can be aborted.
		field.String("upload_id").Default(""),
		// size is the stored object's size, source_bytes what was read.
		field.Int64("size").Default(0),
		field.Int64("source_bytes").Default(0),
		field.Int64("files").Default(0),
		field.String("sha256").Default(""),
		field.Int64("duration_ms").Default(0),
		field.Enum("status").
			Values(JobStatuses...).
			Default("PENDING"),
		field.Text("error").Default(""),
		field.Time("started_at").Optional().Nillable(),
		field.Time("completed_at").Optional().Nillable(),
	}
}

// Edges of the BackupItem.
func (BackupItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("backup", Backup.Type).
			Ref("items").
			Field("backup_id").
			Unique().
			Required().
			Immutable(),
	}
}
