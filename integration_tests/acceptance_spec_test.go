package integrationtests

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

// TestSpec is Airbyte's spec suite for both connectors: one valid SPEC, secrets marked, oneOf
// shaped the way the Airbyte UI needs, no unsupported keywords, and the sample configs valid.
func TestSpec(t *testing.T) {
	cases := []struct {
		name  string
		c     connector
		valid []string // fixtures that must validate against the spec
	}{
		{"source", sourceHubSpot, []string{"sample_config.json", "invalid_config.json"}},
		{"destination", destinationInsider, []string{"destination_sample_config.json"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			spec := readSpec(t, tc.c)
			var root map[string]any
			if err := json.Unmarshal(spec.ConnectionSpecification, &root); err != nil {
				t.Fatalf("connectionSpecification is not a JSON object: %v", err)
			}
			if root["type"] != "object" {
				t.Errorf("connectionSpecification type = %v, want object", root["type"])
			}
			if _, ok := root["properties"].(map[string]any); !ok {
				t.Fatal("connectionSpecification has no properties")
			}
			for _, problem := range specProblems(root) {
				t.Error(problem)
			}
			for _, name := range tc.valid {
				if err := protocol.ValidateConfig(spec.ConnectionSpecification, fixture(t, name)); err != nil {
					t.Errorf("%s does not validate against the spec: %v", name, err)
				}
			}
		})
	}
}

// readSpec runs spec and returns the one SPEC it must print.
func readSpec(t *testing.T, c connector) *protocol.Spec {
	t.Helper()
	res := c.run(t, nil, "spec")
	if res.Exit != 0 {
		t.Fatalf("spec exit %d\nstderr: %s", res.Exit, res.Stderr)
	}
	var specs []*protocol.Spec
	for _, m := range res.Msgs {
		switch m.Type {
		case protocol.TypeSpec:
			specs = append(specs, m.Spec)
		case protocol.TypeLog:
		default:
			t.Errorf("spec printed a %s message", m.Type)
		}
	}
	if len(specs) != 1 {
		t.Fatalf("spec printed %d SPEC messages, want 1", len(specs))
	}
	return specs[0]
}

// secretWords are parts of property names that hold credentials (Airbyte's secret keywords,
// matched as substrings so that api_key or hubspot_access_token are caught too).
var secretWords = []string{"token", "secret", "password", "api_key", "apikey", "private_key", "jwt",
	"certificate", "service_account"}

func secretLike(name string) bool {
	n := strings.ToLower(name)
	if n == "key" || n == "credentials" {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// canHoldSecret reports whether a property schema is a free scalar (Airbyte's rule: string,
// integer or number, and not a const).
func canHoldSecret(prop map[string]any) bool {
	if _, isConst := prop["const"]; isConst {
		return false
	}
	for _, typ := range schemaTypes(prop) {
		if typ == "string" || typ == "integer" || typ == "number" {
			return true
		}
	}
	return false
}

func schemaTypes(node map[string]any) []string {
	switch v := node["type"].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// specProblems lists every way a connectionSpecification breaks the Airbyte spec rules.
func specProblems(root map[string]any) []string {
	var problems []string
	walkSchema(root, "", func(path string, node map[string]any) {
		for _, kw := range []string{"$ref", "allOf", "anyOf", "not"} {
			if _, ok := node[kw]; ok {
				problems = append(problems, fmt.Sprintf("%s: uses %s, which the Airbyte UI does not support", path, kw))
			}
		}
		if ap, ok := node["additionalProperties"]; ok && ap != true {
			problems = append(problems, fmt.Sprintf("%s: additionalProperties is %v, want true", path, ap))
		}
		props, _ := node["properties"].(map[string]any)
		for _, name := range sortedKeys(props) {
			prop, _ := props[name].(map[string]any)
			secret := prop["airbyte_secret"] == true
			switch {
			case secretLike(name) && canHoldSecret(prop) && !secret:
				problems = append(problems, fmt.Sprintf("%s.%s: looks like a secret but is not marked airbyte_secret", path, name))
			case secret && !canHoldSecret(prop):
				problems = append(problems, fmt.Sprintf("%s.%s: marked airbyte_secret but cannot hold a secret value", path, name))
			}
		}
		if variants, ok := node["oneOf"].([]any); ok {
			problems = append(problems, oneOfProblems(path, node, variants)...)
		}
	})
	return problems
}

// oneOfProblems checks Airbyte's oneOf rules: the parent is an object, every option is an
// object with properties, exactly one common property is a const in every option, with
// distinct values and no default or enum.
func oneOfProblems(path string, parent map[string]any, variants []any) []string {
	var problems []string
	if parent["type"] != "object" {
		problems = append(problems, fmt.Sprintf("%s: oneOf parent type is %v, want object", path, parent["type"]))
	}
	var common map[string]bool
	var options []map[string]any
	for i, v := range variants {
		opt, _ := v.(map[string]any)
		props, ok := opt["properties"].(map[string]any)
		if opt["type"] != "object" || !ok {
			problems = append(problems, fmt.Sprintf("%s.oneOf[%d]: not an object with properties", path, i))
			continue
		}
		options = append(options, props)
		names := map[string]bool{}
		for name := range props {
			if common == nil || common[name] {
				names[name] = true
			}
		}
		common = names
	}
	var consts []string
	for name := range common {
		all := true
		for _, props := range options {
			p, _ := props[name].(map[string]any)
			if _, ok := p["const"]; !ok {
				all = false
			}
		}
		if all {
			consts = append(consts, name)
		}
	}
	if len(consts) != 1 {
		return append(problems, fmt.Sprintf("%s: oneOf options share %d const properties %v, want exactly 1", path, len(consts), consts))
	}
	seen := map[string]bool{}
	for i, props := range options {
		p, _ := props[consts[0]].(map[string]any)
		val := fmt.Sprint(p["const"])
		if seen[val] {
			problems = append(problems, fmt.Sprintf("%s.oneOf[%d].%s: const %q used by another option", path, i, consts[0], val))
		}
		seen[val] = true
		for _, kw := range []string{"default", "enum"} {
			if _, ok := p[kw]; ok {
				problems = append(problems, fmt.Sprintf("%s.oneOf[%d].%s: the discriminator must not have %s", path, i, consts[0], kw))
			}
		}
	}
	return problems
}

// walkSchema calls visit for node and every subschema below it, with a dotted path.
func walkSchema(node map[string]any, path string, visit func(path string, node map[string]any)) {
	visit(path, node)
	sub := func(v any, p string) {
		if m, ok := v.(map[string]any); ok {
			walkSchema(m, p, visit)
		}
	}
	props, _ := node["properties"].(map[string]any)
	for _, name := range sortedKeys(props) {
		sub(props[name], path+"."+name)
	}
	sub(node["items"], path+"[]")
	sub(node["additionalProperties"], path+".additionalProperties")
	sub(node["not"], path+".not")
	for _, kw := range []string{"oneOf", "anyOf", "allOf"} {
		list, _ := node[kw].([]any)
		for i, v := range list {
			sub(v, fmt.Sprintf("%s.%s[%d]", path, kw, i))
		}
	}
	if items, ok := node["items"].([]any); ok {
		for i, v := range items {
			sub(v, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestSpecRulesCatchProblems makes sure the spec checks above fail on the mistakes they exist
// for, so a passing TestSpec means something.
func TestSpecRulesCatchProblems(t *testing.T) {
	cases := map[string]string{
		"unmarked secret":      `{"type":"object","properties":{"api_key":{"type":"string"}}}`,
		"secret on object":     `{"type":"object","properties":{"auth":{"type":"object","airbyte_secret":true}}}`,
		"ref":                  `{"type":"object","properties":{"a":{"$ref":"#/definitions/x"}}}`,
		"closed object":        `{"type":"object","additionalProperties":false,"properties":{}}`,
		"oneOf parent untyped": `{"type":"object","properties":{"c":{"oneOf":[{"type":"object","properties":{"m":{"const":"a"}}},{"type":"object","properties":{"m":{"const":"b"}}}]}}}`,
		"oneOf same const":     `{"type":"object","properties":{"c":{"type":"object","oneOf":[{"type":"object","properties":{"m":{"const":"a"}}},{"type":"object","properties":{"m":{"const":"a"}}}]}}}`,
		"oneOf no const":       `{"type":"object","properties":{"c":{"type":"object","oneOf":[{"type":"object","properties":{"m":{"type":"string"}}},{"type":"object","properties":{"m":{"type":"string"}}}]}}}`,
		"oneOf const default":  `{"type":"object","properties":{"c":{"type":"object","oneOf":[{"type":"object","properties":{"m":{"const":"a","default":"a"}}},{"type":"object","properties":{"m":{"const":"b"}}}]}}}`,
	}
	for name, schema := range cases {
		var root map[string]any
		if err := json.Unmarshal([]byte(schema), &root); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(specProblems(root)) == 0 {
			t.Errorf("%s: no problem found in %s", name, schema)
		}
	}
	ok := `{"type":"object","properties":{"api_key":{"type":"string","airbyte_secret":true},
		"c":{"type":"object","oneOf":[{"type":"object","properties":{"m":{"const":"a"}}},{"type":"object","properties":{"m":{"const":"b"},"x":{"type":"string"}}}]}}}`
	var root map[string]any
	if err := json.Unmarshal([]byte(ok), &root); err != nil {
		t.Fatal(err)
	}
	if p := specProblems(root); len(p) != 0 {
		t.Errorf("valid spec reported: %v", p)
	}
}
