package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// RestoreResult is the outcome of restoring one item.
type RestoreResult struct {
	ItemID     string `json:"itemId"`
	Status     string `json:"status"`
	Error      string `json:"error"`
	Bytes      int64  `json:"bytes"`
	Files      int64  `json:"files"`
	DurationMs int64  `json:"durationMs"`
}

// Restore is one request to bring a backup's items back onto their hosts.
type Restore struct {
	ent.Schema
}

// Mixin of the Restore.
func (Restore) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}, createdMixin{}}
}

// Fields of the Restore.
func (Restore) Fields() []ent.Field {
	return []ent.Field{
		field.String("backup_id").
			Immutable(),
		field.Enum("mode").
			Values("replace", "path").
			Immutable(),
		// target_path is the directory items are restored into in path
		// mode; replace mode restores each item where it came from.
		field.String("target_path").
			Default("").
			Immutable(),
		field.Enum("status").
			Values(JobStatuses...).
			Default("PENDING"),
		field.Text("error").Default(""),
		// item_ids selects items of the backup; empty means all of them.
		field.Strings("item_ids").
			Optional().
			Immutable(),
		field.JSON("results", []RestoreResult{}).
			Optional(),
		field.Time("started_at").Optional().Nillable(),
		field.Time("completed_at").Optional().Nillable(),
	}
}

// Edges of the Restore.
func (Restore) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("backup", Backup.Type).
			Ref("restores").
			Field("backup_id").
			Unique().
			Required().
			Immutable(),
	}
}
