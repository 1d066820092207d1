package protocoltest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// SpecAgreement checks that a connector's Go config and its spec.json state the same facts, so
// neither can drift alone:
//
//   - every property with a `default` in the spec is listed in defaults, and parsing base (a
//     minimal valid config that leaves those properties out) yields that value through the
//     accessor;
//   - every `minimum`, `maximum` and `enum` value the spec allows is accepted by parse when set
//     on base (the Go side never refuses what the spec allows).
//
// spec is the connector's spec.json (the connectionSpecification); paths are dotted property names
// such as "phone.normalize". Values past a bound are the spec validator's to refuse, so they are
// not tried here.
func SpecAgreement(t *testing.T, spec []byte, base json.RawMessage, parse func(json.RawMessage) (any, error), defaults map[string]func(cfg any) any) {
	t.Helper()
	var root schemaNode
	if err := json.Unmarshal(spec, &root); err != nil {
		t.Fatalf("spec: %v", err)
	}
	props := map[string]schemaNode{}
	root.flatten("", props)
	if len(props) == 0 {
		t.Fatal("spec has no properties")
	}
	cfg, err := parse(base)
	if err != nil {
		t.Fatalf("parse the base config: %v", err)
	}
	paths := make([]string, 0, len(props))
	for p := range props {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		node := props[path]
		if node.Default != nil {
			get, ok := defaults[path]
			if !ok {
				t.Errorf("%s: the spec's default %s has no Go accessor in the agreement test; add one", path, node.Default)
			} else if got, want := normalize(t, get(cfg)), normalize(t, node.Default); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the Go default is %v, the spec's is %v", path, got, want)
			}
		}
		var allowed []json.RawMessage
		if node.Minimum != nil {
			allowed = append(allowed, node.Minimum)
		}
		if node.Maximum != nil {
			allowed = append(allowed, node.Maximum)
		}
		allowed = append(allowed, node.Enum...)
		for _, v := range allowed {
			raw, err := setPath(base, path, v)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if _, err := parse(raw); err != nil {
				t.Errorf("%s = %s: the spec allows it, the Go config refuses it: %v", path, v, err)
			}
		}
	}
	for path := range defaults {
		if n, ok := props[path]; !ok || n.Default == nil {
			t.Errorf("%s: the agreement test has an accessor, but the spec states no default", path)
		}
	}
}

type schemaNode struct {
	Type       any                   `json:"type"`
	Default    json.RawMessage       `json:"default"`
	Minimum    json.RawMessage       `json:"minimum"`
	Maximum    json.RawMessage       `json:"maximum"`
	Enum       []json.RawMessage     `json:"enum"`
	Properties map[string]schemaNode `json:"properties"`
}

func (n schemaNode) flatten(prefix string, out map[string]schemaNode) {
	for name, child := range n.Properties {
		path := prefix + name
		out[path] = child
		child.flatten(path+".", out)
	}
}

func normalize(t *testing.T, v any) any {
	t.Helper()
	b, ok := v.(json.RawMessage)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatalf("marshal %v: %v", v, err)
		}
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	return out
}

// setPath returns base with the dotted path set to v, creating objects on the way.
func setPath(base json.RawMessage, path string, v json.RawMessage) (json.RawMessage, error) {
	var root map[string]any
	if err := json.Unmarshal(base, &root); err != nil {
		return nil, fmt.Errorf("base config: %w", err)
	}
	parts := strings.Split(path, ".")
	m := root
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
	return json.Marshal(root)
}
