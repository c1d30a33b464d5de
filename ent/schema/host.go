package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Host is a container host that enrolled an agent.
type Host struct {
	ent.Schema
}

// Mixin of the Host.
func (Host) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}, createdMixin{}}
}

// Fields of the Host.
func (Host) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty(),
		// public_key is the agent's Ed25519 key; it is the host's identity.
		field.Bytes("public_key").
			NotEmpty().
			Unique().
			Immutable(),
		field.String("agent_version").
			Default(""),
		field.JSON("facts", map[string]string{}).
			Optional(),
		field.Enum("status").
			Values("online", "offline").
			Default("offline"),
		field.Time("last_seen_at").
			Optional().
			Nillable(),
		// revoked_at hides the host without deleting it, so the history of
		// what it backed up keeps its owner.
		field.Time("revoked_at").
			Optional().
			Nillable(),
	}
}

// Edges of the Host.
func (Host) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("containers", Container.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}
