package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// JobStatuses are the states of backups, their items and restores.
var JobStatuses = []string{"PENDING", "RUNNING", "COMPLETED", "FAILED"}

// Backup is one backup of a project: what it holds is in its items.
type Backup struct {
	ent.Schema
}

// Mixin of the Backup.
func (Backup) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}, createdMixin{}}
}

// Fields of the Backup.
func (Backup) Fields() []ent.Field {
	return []ent.Field{
		// project_id and target_id are plain fields: a backup rebuilt from
		// a bucket's manifests may name a project or target that this
		// control plane does not know.
		field.String("project_id").
			Immutable(),
		field.String("target_id").
			Immutable(),
		field.String("name").
			Default(""),
		field.Enum("status").
			Values(JobStatuses...).
			Default("PENDING"),
		field.Int64("size").
			Default(0),
		field.Text("error").
			Default(""),
		// path is where the backup lives: the key prefix of its objects,
		// or the directory on the hosts for a local target.
		field.String("path").
			Default(""),
		// s3_key is the key of the manifest, empty for local targets.
		field.String("s3_key").
			Default(""),
		// lease_until is when a running backup is presumed abandoned
		// unless its orchestrator extends the lease.
		field.Time("lease_until").
			Optional().
			Nillable(),
		field.Time("started_at").
			Optional().
			Nillable(),
		field.Time("completed_at").
			Optional().
			Nillable(),
		// imported marks a backup rebuilt from a manifest in storage. Its
		// hosts and source paths come from the bucket, not from this
		// control plane, so they are not trusted to aim a restore in place.
		field.Bool("imported").
			Default(false),
	}
}

// Edges of the Backup.
func (Backup) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("items", BackupItem.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("restores", Restore.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the Backup.
func (Backup) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("project_id", "created_at"),
		index.Fields("target_id"),
		index.Fields("status"),
	}
}
