package schema

import (
	"strings"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
	"github.com/oklog/ulid/v2"
)

// NewID returns a fresh lowercase ULID. ULIDs sort by creation time, so
// listings ordered by id come out oldest first without an extra index.
func NewID() string {
	return strings.ToLower(ulid.Make().String())
}

// now is the default for timestamps. UTC keeps values comparable as text in
// SQLite, where times are stored as strings; microseconds are what
// PostgreSQL keeps, so a row reads back as it was written.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// idMixin gives an entity a string id generated as a ULID.
type idMixin struct {
	mixin.Schema
}

// Fields of the idMixin.
func (idMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			DefaultFunc(NewID).
			NotEmpty().
			Immutable(),
	}
}

// createdMixin records when a row was created.
type createdMixin struct {
	mixin.Schema
}

// Fields of the createdMixin.
func (createdMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(now).
			Immutable(),
	}
}

// timestampsMixin records when a row was created and last changed.
type timestampsMixin struct {
	mixin.Schema
}

// Fields of the timestampsMixin.
func (timestampsMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(now).
			Immutable(),
		field.Time("updated_at").
			Default(now).
			UpdateDefault(now),
	}
}
