package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// APIToken is a bearer token for the REST API. Only its hash is stored.
type APIToken struct {
	ent.Schema
}

// Mixin of the APIToken.
func (APIToken) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{}, createdMixin{}}
}

// Fields of the APIToken.
func (APIToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty(),
		field.String("token_hash").
			NotEmpty().
			Unique().
			Immutable().
			Sensitive(),
		field.Strings("scopes").
			Optional(),
		field.Time("last_used_at").
			Optional().
			Nillable(),
	}
}
