package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// EnrollmentToken is a one-time secret that lets an agent register its host.
// Only the token's hash is stored.
type EnrollmentToken struct {
	ent.Schema
}

// Mixin of the EnrollmentToken.
func (EnrollmentToken) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}, createdMixin{}}
}

// Fields of the EnrollmentToken.
func (EnrollmentToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").
			NotEmpty().
			Unique().
			Immutable().
			Sensitive(),
		field.Time("expires_at").
			Immutable(),
		field.Time("used_at").
			Optional().
			Nillable(),
		// host_id names the host that spent the token. It is a plain field
		// rather than an edge so that the token's record outlives the host.
		field.String("host_id").
			Optional().
			Nillable(),
	}
}
