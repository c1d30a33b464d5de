package coffer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cofferhq/coffer"

// importRule limits what the packages in one folder of this module may depend
// on, directly or through other packages. Test-only imports are not checked.
type importRule struct {
	folder string
	// only, when set, lists the folders of this module that may be imported.
	only []string
	// never lists the folders of this module that must not be imported.
	never []string
	// thirdParty, when set, lists the only modules outside the standard
	// library that the folder's packages may import directly.
	thirdParty []string
}

// importRules are DESIGN.md's layout table, and testenv, which the tests of
// both sides use and so may import neither.
var importRules = []importRule{
	{
		folder:     "protocol",
		only:       []string{"protocol"},
		thirdParty: []string{"github.com/hashicorp/yamux", "github.com/coder/websocket"},
	},
	{folder: "agent", never: []string{"ent", "controlplane"}},
	{folder: "controlplane", never: []string{"agent"}},
	{folder: "ent", only: []string{"ent"}},
	{folder: "testenv", only: []string{"testenv"}},
}

type goPackage struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)

	checked := 0
	for _, path := range slices.Sorted(maps.Keys(pkgs)) {
		p := pkgs[path]
		rule, ok := ruleFor(path)
		if !ok {
			continue
		}
		checked++
		checkModuleImports(t, rule, p, pkgs)
		checkThirdParty(t, rule, p, pkgs)
	}

	if checked == 0 {
		t.Fatalf("checked 0 packages: go list found none under %v", folders())
	}
}

// TestTestenvStaysInTests checks that no package but a test helper (named
// *test, imported only by _test files) depends on testenv, so that it never
// ends up in a binary.
func TestTestenvStaysInTests(t *testing.T) {
	pkgs := listPackages(t)
	for _, path := range slices.Sorted(maps.Keys(pkgs)) {
		if !inModule(path) || strings.HasSuffix(path, "test") {
			continue
		}
		folder, _, _ := strings.Cut(rel(path), "/")
		rule := importRule{folder: folder, never: []string{"testenv"}}
		checkModuleImports(t, rule, pkgs[path], pkgs)
	}
}

// listPackages runs go list over the whole module and returns every package
// it depends on, keyed by import path.
func listPackages(t *testing.T) map[string]*goPackage {
	t.Helper()

	cmd := exec.Command("go", "list", "-e", "-deps",
		"-json=ImportPath,Imports,Standard", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}

	pkgs := make(map[string]*goPackage)
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs[p.ImportPath] = &p
	}
	return pkgs
}

// checkModuleImports walks p's imports within this module and reports each
// package that the rule forbids, with the chain of imports that reaches it.
func checkModuleImports(t *testing.T, rule importRule, p *goPackage,
	pkgs map[string]*goPackage) {
	t.Helper()

	via := map[string]string{p.ImportPath: ""}
	queue := []string{p.ImportPath}
	for len(queue) > 0 {
		cur := pkgs[queue[0]]
		queue = queue[1:]
		if cur == nil {
			continue
		}

		for _, imp := range cur.Imports {
			if _, seen := via[imp]; seen || !inModule(imp) {
				continue
			}
			via[imp] = cur.ImportPath

			if !rule.allows(imp) {
				t.Errorf("%s imports %s, which %s/ may not import (chain: %s)",
					rel(p.ImportPath), rel(imp), rule.folder, chain(via, imp))
				continue
			}
			queue = append(queue, imp)
		}
	}
}

// checkThirdParty reports imports of p from outside the standard library and
// this module that the rule does not list.
func checkThirdParty(t *testing.T, rule importRule, p *goPackage,
	pkgs map[string]*goPackage) {
	t.Helper()

	if rule.thirdParty == nil {
		return
	}
	for _, imp := range p.Imports {
		dep := pkgs[imp]
		if inModule(imp) || (dep != nil && dep.Standard) {
			continue
		}
		if !slices.ContainsFunc(rule.thirdParty, func(m string) bool { return under(imp, m) }) {
			t.Errorf("%s imports %s; %s/ may import only the standard library and %s",
				rel(p.ImportPath), imp, rule.folder, strings.Join(rule.thirdParty, ", "))
		}
	}
}

func (r importRule) allows(imp string) bool {
	path := rel(imp)
	if r.only != nil {
		return slices.ContainsFunc(r.only, func(f string) bool { return under(path, f) })
	}
	return !slices.ContainsFunc(r.never, func(f string) bool { return under(path, f) })
}

func ruleFor(importPath string) (importRule, bool) {
	if !inModule(importPath) {
		return importRule{}, false
	}
	for _, r := range importRules {
		if under(rel(importPath), r.folder) {
			return r, true
		}
	}
	return importRule{}, false
}

// chain spells the imports from the checked package down to target.
func chain(via map[string]string, target string) string {
	var steps []string
	for cur := target; cur != ""; cur = via[cur] {
		steps = append(steps, rel(cur))
	}
	slices.Reverse(steps)
	return strings.Join(steps, " -> ")
}

func folders() []string {
	var out []string
	for _, r := range importRules {
		out = append(out, r.folder+"/")
	}
	return out
}

func inModule(importPath string) bool { return under(importPath, module) }

// under reports whether path is folder or lies below it.
func under(path, folder string) bool {
	return path == folder || strings.HasPrefix(path, folder+"/")
}

// rel strips the module path: "github.com/cofferhq/coffer/agent/x" is "agent/x".
func rel(importPath string) string {
	return strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
}
