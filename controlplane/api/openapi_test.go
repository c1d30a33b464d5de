package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cofferhq/coffer/controlplane/backup"
	"github.com/cofferhq/coffer/ent/schema"
	"github.com/cofferhq/coffer/protocol"
)

// openAPIMethods are the keys of a path item that name operations.
var openAPIMethods = []string{
	"get", "put", "post", "delete", "options", "head", "patch", "trace",
}

type openAPIDocument struct {
	OpenAPI    string                                `json:"openapi"`
	Security   []map[string][]string                 `json:"security"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		SecuritySchemes map[string]struct {
			Type   string `json:"type"`
			Scheme string `json:"scheme"`
		} `json:"securitySchemes"`
		Parameters map[string]openAPIParameter `json:"parameters"`
		Schemas    map[string]openAPISchema    `json:"schemas"`
	} `json:"components"`
}

type openAPISchema struct {
	Properties map[string]json.RawMessage `json:"properties"`
	Required   []string                   `json:"required"`
}

type openAPIOperation struct {
	OperationID string `json:"operationId"`
	// Security is nil when the operation inherits the document's.
	Security   *[]map[string][]string     `json:"security"`
	Parameters []openAPIParameter         `json:"parameters"`
	Responses  map[string]json.RawMessage `json:"responses"`
}

type openAPIParameter struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

// documentedOp is one operation of the document with the parameters its
// path item declares for all of its operations.
type documentedOp struct {
	openAPIOperation
	pathParameters []openAPIParameter
}

// loadOpenAPI parses the embedded document into its typed parts and its
// operations keyed by "METHOD /path".
func loadOpenAPI(t *testing.T) (openAPIDocument, map[string]documentedOp) {
	t.Helper()
	var doc openAPIDocument
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("parse openapi.json: %v", err)
	}

	ops := make(map[string]documentedOp)
	for path, item := range doc.Paths {
		var shared []openAPIParameter
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				t.Fatalf("parse parameters of %s: %v", path, err)
			}
		}
		for key, raw := range item {
			if !slices.Contains(openAPIMethods, key) {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("parse %s %s: %v", key, path, err)
			}
			ops[strings.ToUpper(key)+" "+path] = documentedOp{op, shared}
		}
	}
	return doc, ops
}

// servedRoutes are the routes of the table keyed by "METHOD /path" in
// OpenAPI's spelling. The fallback, which has no method, is not an
// endpoint and is left out.
func servedRoutes() map[string]route {
	s := &Server{}
	out := make(map[string]route)
	for _, rt := range s.routeTable(prometheus.NewRegistry()) {
		if rt.method == "" {
			continue
		}
		out[rt.method+" "+openAPIPath(rt.pattern)] = rt
	}
	return out
}

// openAPIPath turns a ServeMux pattern into an OpenAPI path: {name} is the
// same in both, {name...} loses its dots and {$} means the path ends there.
func openAPIPath(pattern string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	return strings.ReplaceAll(p, "...}", "}")
}

func TestOpenAPIVersionAndFormat(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi is %q, want 3.1.x", doc.OpenAPI)
	}

	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, openAPIDoc); err != nil {
		t.Fatalf("compact openapi.json: %v", err)
	}
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		t.Fatalf("indent openapi.json: %v", err)
	}
	indented.WriteByte('\n')
	if !bytes.Equal(indented.Bytes(), openAPIDoc) {
		t.Error("openapi.json is not indented with two spaces as json.Indent " +
			"writes it; reformat it (for example with jq --indent 2 .)")
	}
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	_, ops := loadOpenAPI(t)
	routes := servedRoutes()

	for key := range routes {
		if _, ok := ops[key]; !ok {
			t.Errorf("route %s is served but missing from openapi.json", key)
		}
	}
	for key := range ops {
		if _, ok := routes[key]; !ok {
			t.Errorf("openapi.json documents %s, which no route serves", key)
		}
	}
}

// TestOpenAPISecurity checks that the document asks for a token exactly
// where the server does.
func TestOpenAPISecurity(t *testing.T) {
	doc, ops := loadOpenAPI(t)
	bearer, ok := doc.Components.SecuritySchemes["bearer"]
	if !ok || bearer.Type != "http" || bearer.Scheme != "bearer" {
		t.Fatalf("security scheme bearer is %+v (defined %v), want http bearer", bearer, ok)
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearer"] == nil {
		t.Errorf("document security is %v, want [{bearer: []}]", doc.Security)
	}

	for key, rt := range servedRoutes() {
		op, ok := ops[key]
		if !ok {
			continue // reported by TestOpenAPIDocumentsEveryRoute
		}
		switch {
		case rt.public && (op.Security == nil || len(*op.Security) != 0):
			t.Errorf("%s takes no token, but its security is %s; want []",
				key, describeSecurity(op.Security))
		case !rt.public && op.Security != nil:
			t.Errorf("%s needs a token, but its security is %s; want it inherited",
				key, describeSecurity(op.Security))
		}
	}
}

func describeSecurity(s *[]map[string][]string) string {
	if s == nil {
		return "inherited"
	}
	b, _ := json.Marshal(*s)
	return string(b)
}

var pathWildcard = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIPathParameters checks that each operation declares exactly
// the path parameters its path has, as OpenAPI requires.
func TestOpenAPIPathParameters(t *testing.T) {
	doc, ops := loadOpenAPI(t)
	for key, op := range ops {
		_, path, _ := strings.Cut(key, " ")
		var want []string
		for _, m := range pathWildcard.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
		}

		var got []string
		for _, p := range append(op.pathParameters, op.Parameters...) {
			if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
				p = doc.Components.Parameters[name]
			}
			if p.In == "path" {
				got = append(got, p.Name)
			}
		}

		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s declares path parameters %q, want %q", key, got, want)
		}
	}
}

func TestOpenAPIOperations(t *testing.T) {
	_, ops := loadOpenAPI(t)
	seen := make(map[string]string)
	for key, op := range ops {
		if op.OperationID == "" {
			t.Errorf("%s has no operationId", key)
		} else if other, dup := seen[op.OperationID]; dup {
			t.Errorf("%s and %s share operationId %q", key, other, op.OperationID)
		}
		seen[op.OperationID] = key
		if len(op.Responses) == 0 {
			t.Errorf("%s documents no responses", key)
		}
	}
}

// TestOpenAPIRefsResolve checks that every local $ref points at something
// in the document.
func TestOpenAPIRefsResolve(t *testing.T) {
	var doc any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("parse openapi.json: %v", err)
	}
	walkRefs(doc, func(ref string) {
		pointer, ok := strings.CutPrefix(ref, "#")
		if !ok {
			t.Errorf("$ref %q points outside the document", ref)
			return
		}
		if _, ok := resolvePointer(doc, pointer); !ok {
			t.Errorf("$ref %q points at nothing", ref)
		}
	})
}

func walkRefs(v any, visit func(ref string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if ref, ok := child.(string); ok && k == "$ref" {
				visit(ref)
				continue
			}
			walkRefs(child, visit)
		}
	case []any:
		for _, child := range v {
			walkRefs(child, visit)
		}
	}
}

// resolvePointer follows a JSON pointer (RFC 6901) through objects; the
// document's refs never index arrays.
func resolvePointer(doc any, pointer string) (any, bool) {
	if pointer == "" {
		return doc, true
	}
	cur := doc
	for _, token := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		token = strings.ReplaceAll(strings.ReplaceAll(token, "~1", "/"), "~0", "~")
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[token]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// TestOpenAPISchemasMatchViews checks each schema against the Go type that
// is marshalled or decoded for it: the same camelCase properties, and in
// responses every field without omitempty required, since it is always
// sent.
func TestOpenAPISchemasMatchViews(t *testing.T) {
	cases := []struct {
		schema   string
		v        any
		response bool
	}{
		{"Project", projectView{}, true},
		{"Host", hostView{}, true},
		{"Container", containerView{}, true},
		{"Mount", mountView{}, true},
		{"ProjectPath", pathView{}, true},
		{"StorageTarget", targetView{}, true},
		{"Backup", backupView{}, true},
		{"BackupItem", backupItemView{}, true},
		{"ItemContainer", itemContainerView{}, true},
		{"Restore", restoreView{}, true},
		{"RestoreResult", schema.RestoreResult{}, true},
		{"ImportResult", importResult{}, true},
		{"EnrollmentToken", enrollmentTokenResponse{}, true},
		{"EnrollResponse", protocol.EnrollResponse{}, true},
		{"PingResult", pingResult{}, true},
		{"FleetPingResult", fleetPingResult{}, true},
		{"BackupStateEvent", stateEvent{}, true},
		{"BackupEvent", backup.Event{}, true},
		{"CreateProjectRequest", createProjectRequest{}, false},
		{"UpdateProjectRequest", updateProjectRequest{}, false},
		{"AddPathRequest", addPathRequest{}, false},
		{"CreateStorageTargetRequest", createTargetRequest{}, false},
		{"CreateBackupRequest", createBackupRequest{}, false},
		{"RestoreRequest", restoreRequest{}, false},
		{"EnrollmentTokenRequest", enrollmentTokenRequest{}, false},
		{"EnrollRequest", protocol.EnrollRequest{}, false},
	}

	doc, _ := loadOpenAPI(t)
	for _, tc := range cases {
		sch, ok := doc.Components.Schemas[tc.schema]
		if !ok {
			t.Errorf("schema %s is missing", tc.schema)
			continue
		}
		fields, always := jsonFields(reflect.TypeOf(tc.v))

		var props []string
		for name := range sch.Properties {
			props = append(props, name)
		}
		slices.Sort(props)
		if !slices.Equal(props, fields) {
			t.Errorf("schema %s has properties %q, want %q as %T marshals",
				tc.schema, props, fields, tc.v)
		}

		if !tc.response {
			continue
		}
		required := slices.Sorted(slices.Values(sch.Required))
		if !slices.Equal(required, always) {
			t.Errorf("schema %s requires %q, want %q: the fields %T always sends",
				tc.schema, required, always, tc.v)
		}
	}
}

// jsonFields returns the JSON names of a struct's exported fields, and
// those that are always marshalled, each sorted.
func jsonFields(typ reflect.Type) (all, always []string) {
	for f := range typ.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		all = append(all, name)
		if !slices.Contains(strings.Split(opts, ","), "omitempty") {
			always = append(always, name)
		}
	}
	slices.Sort(all)
	slices.Sort(always)
	return all, always
}
