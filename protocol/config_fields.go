package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// UnknownFields lists the keys of config that the spec's connectionSpecification does not
// declare, at any depth (credentials.client_ids, identifier_mappings[0].sorce_field), each as
// "unknown field <path>: did you mean <name>?" when a declared name is close to it (or the same
// name is declared elsewhere), else "unknown field <path>: not a field of this connector; it is
// ignored". Unknown keys are not errors: Airbyte adds keys across versions. Only key names are
// named, never values. Free-form objects (no declared properties, or an additionalProperties
// schema) are not looked into.
func UnknownFields(schema, config json.RawMessage) []string {
	var sch any
	if json.Unmarshal(schema, &sch) != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(config))
	dec.UseNumber()
	var cfg any
	if dec.Decode(&cfg) != nil {
		return nil
	}
	root, _ := sch.(map[string]any)
	w := fieldWalker{elsewhere: map[string][]string{}}
	w.index(root, "")
	w.walk(root, cfg, "")
	return w.out
}

// fieldWalker walks a config beside its schema, collecting unknown keys.
type fieldWalker struct {
	elsewhere map[string][]string // declared name -> the paths that declare it
	out       []string
}

// index records every declared property name with its path, for "declared elsewhere" hints.
func (w *fieldWalker) index(node map[string]any, path string) {
	props, _ := declared(node, nil)
	for _, name := range slices.Sorted(maps.Keys(props)) {
		p := join(path, name)
		if !slices.Contains(w.elsewhere[name], p) {
			w.elsewhere[name] = append(w.elsewhere[name], p)
		}
		sub, _ := props[name].(map[string]any)
		w.index(sub, p)
		if items, ok := sub["items"].(map[string]any); ok {
			w.index(items, p+"[]")
		}
	}
}

func (w *fieldWalker) walk(node map[string]any, value any, path string) {
	switch v := value.(type) {
	case map[string]any:
		props, closed := declared(node, v)
		if !closed {
			return
		}
		for _, key := range slices.Sorted(maps.Keys(v)) {
			if sub, ok := props[key].(map[string]any); ok {
				w.walk(sub, v[key], join(path, key))
				continue
			}
			w.out = append(w.out, w.unknown(join(path, key), key, path, props))
		}
	case []any:
		items, _ := node["items"].(map[string]any)
		for i, e := range v {
			w.walk(items, e, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// unknown describes one unknown key: the closest name declared beside it, or the same name
// declared at another level.
func (w *fieldWalker) unknown(path, key, parent string, props map[string]any) string {
	if name := closest(key, slices.Sorted(maps.Keys(props))); name != "" {
		return fmt.Sprintf("unknown field %s: did you mean %s?", path, join(parent, name))
	}
	var paths []string
	for _, p := range w.elsewhere[key] {
		if p == path {
			// Declared here by another oneOf option than the one the config chose.
			return fmt.Sprintf("unknown field %s: not a field of the option this config chose for %s; it is ignored", path, parent)
		}
		paths = append(paths, p)
	}
	if len(paths) > 0 {
		return fmt.Sprintf("unknown field %s: did you mean %s?", path, strings.Join(paths, " or "))
	}
	return fmt.Sprintf("unknown field %s: not a field of this connector; it is ignored", path)
}

// declared returns the properties a schema node declares for value: its own, and those of the
// oneOf/anyOf options whose const fields value matches (all options when none matches), and
// of allOf. closed is false for a free-form object: no declared property, or an
// additionalProperties schema (a map of arbitrary keys).
func declared(node map[string]any, value map[string]any) (props map[string]any, closed bool) {
	props = map[string]any{}
	add := func(n map[string]any) {
		if p, ok := n["properties"].(map[string]any); ok {
			for k, s := range p {
				if _, dup := props[k]; !dup {
					props[k] = s
				}
			}
		}
	}
	add(node)
	for _, kw := range []string{"oneOf", "anyOf"} {
		opts := options(node[kw])
		var matching []map[string]any
		for _, o := range opts {
			if constsMatch(o, value) {
				matching = append(matching, o)
			}
		}
		if len(matching) == 0 {
			matching = opts
		}
		for _, o := range matching {
			add(o)
		}
	}
	for _, o := range options(node["allOf"]) {
		add(o)
	}
	if _, isSchema := node["additionalProperties"].(map[string]any); isSchema {
		return props, false
	}
	return props, len(props) > 0
}

func options(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// constsMatch reports whether value has, for every property the option fixes with const, that
// value (an option without const fields matches nothing in particular, so it does not match).
func constsMatch(option, value map[string]any) bool {
	props, _ := option["properties"].(map[string]any)
	found := false
	for name, s := range props {
		sm, _ := s.(map[string]any)
		c, ok := sm["const"]
		if !ok {
			continue
		}
		found = true
		if fmt.Sprint(value[name]) != fmt.Sprint(c) {
			return false
		}
	}
	return found
}

// closest returns the name of names nearest to key (ignoring case, and - against _) when it is
// near enough to be a misspelling of it, else "".
func closest(key string, names []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	k := norm(key)
	limit := max(1, len([]rune(k))/3)
	best, bestD := "", limit+1
	for _, n := range names {
		if d := editDistance(k, norm(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b: insertions,
// deletions, substitutions and transpositions of adjacent characters each cost one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
