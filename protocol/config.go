package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// ValidateConfig validates config against the JSON Schema of a spec's connectionSpecification.
// The error is a config_error whose message names each field and its problem, for example
// "credentials.client_id: missing", followed by the config's unknown keys (UnknownFields).
func ValidateConfig(schema, config json.RawMessage) error {
	compiler := jsonschema.NewCompiler()
	compiler.Draft = jsonschema.Draft7
	if err := compiler.AddResource("spec.json", bytes.NewReader(schema)); err != nil {
		return NewError(FailureSystem, "the connector's spec is not valid JSON Schema", err)
	}
	sch, err := compiler.Compile("spec.json")
	if err != nil {
		return NewError(FailureSystem, "the connector's spec is not valid JSON Schema", err)
	}
	dec := json.NewDecoder(bytes.NewReader(config))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return NewError(FailureConfig, "the config is not valid JSON", err)
	}
	if _, ok := doc.(map[string]any); !ok {
		return NewError(FailureConfig, "the config must be a JSON object", nil)
	}
	err = sch.Validate(doc)
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		problems := describe(ve)
		sort.Strings(problems)
		// A misspelled key is often why a field is missing: name it beside the problems.
		problems = append(problems, UnknownFields(schema, config)...)
		return NewError(FailureConfig, "invalid config: "+strings.Join(problems, "; "), nil)
	}
	if err != nil {
		return NewError(FailureConfig, "invalid config", err)
	}
	return nil
}

// describe flattens a validation error into "field: problem" lines. For a oneOf it reports
// the option the config chose by its const discriminator, or the discriminator itself.
func describe(ve *jsonschema.ValidationError) []string {
	if strings.HasSuffix(ve.KeywordLocation, "/oneOf") && len(ve.Causes) > 0 {
		var chosen []*jsonschema.ValidationError
		for _, c := range ve.Causes {
			if !failsOnConst(c) {
				chosen = append(chosen, c)
			}
		}
		if len(chosen) == 1 {
			return describe(chosen[0])
		}
		if len(chosen) == 0 {
			return []string{field(ve.InstanceLocation, "") + "does not match any of the allowed options " +
				"(check the option's type or title field)"}
		}
	}
	if len(ve.Causes) == 0 {
		return []string{leaf(ve)}
	}
	var out []string
	for _, c := range ve.Causes {
		out = append(out, describe(c)...)
	}
	return out
}

// failsOnConst reports whether an option failed because its const discriminator differs.
func failsOnConst(ve *jsonschema.ValidationError) bool {
	if strings.HasSuffix(ve.KeywordLocation, "/const") {
		return true
	}
	for _, c := range ve.Causes {
		if failsOnConst(c) {
			return true
		}
	}
	return false
}

func leaf(ve *jsonschema.ValidationError) string {
	msg := ve.Message
	if rest, ok := strings.CutPrefix(msg, "missing properties: "); ok {
		var names []string
		for _, n := range strings.Split(rest, ", ") {
			names = append(names, field(ve.InstanceLocation, strings.Trim(n, "'"))+"missing")
		}
		return strings.Join(names, "; ")
	}
	return field(ve.InstanceLocation, "") + msg
}

// field turns a JSON pointer (and an optional child name) into "a.b.c: ".
func field(ptr, child string) string {
	parts := []string{}
	for _, p := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if p != "" {
			p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
			parts = append(parts, p)
		}
	}
	if child != "" {
		parts = append(parts, child)
	}
	if len(parts) == 0 {
		return "config: "
	}
	return strings.Join(parts, ".") + ": "
}

// secretValues returns every string value of config that sits under a property the schema marks
// airbyte_secret, wherever that property appears (also inside oneOf options).
func secretValues(schema, config json.RawMessage) ([]string, error) {
	var sch any
	if err := json.Unmarshal(schema, &sch); err != nil {
		return nil, fmt.Errorf("decode spec: %w", err)
	}
	names := SecretNames(sch)
	var cfg any
	if err := json.Unmarshal(config, &cfg); err != nil {
		return nil, nil // an undecodable config holds nothing we can find; validation reports it
	}
	var out []string
	collectValues(cfg, names, false, &out)
	return out, nil
}

// SecretNames returns the names of the properties a decoded connection specification marks
// airbyte_secret, wherever they appear (also inside oneOf options): what the runner keeps out
// of every output.
func SecretNames(schema any) map[string]bool {
	names := map[string]bool{}
	collectSecretNames(schema, names)
	return names
}

func collectSecretNames(node any, names map[string]bool) {
	switch n := node.(type) {
	case map[string]any:
		if props, ok := n["properties"].(map[string]any); ok {
			for name, p := range props {
				if pm, ok := p.(map[string]any); ok && pm["airbyte_secret"] == true {
					names[name] = true
				}
			}
		}
		for _, v := range n {
			collectSecretNames(v, names)
		}
	case []any:
		for _, v := range n {
			collectSecretNames(v, names)
		}
	}
}

func collectValues(node any, names map[string]bool, secret bool, out *[]string) {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			collectValues(v, names, secret || names[k], out)
		}
	case []any:
		for _, v := range n {
			collectValues(v, names, secret, out)
		}
	case string:
		if secret {
			*out = append(*out, n)
		}
	}
}
