package mapping

import (
	"slices"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
)

// Types are the custom attributes Insider's metadata declares, with the
// kind their values are converted to. Custom attributes are created in
// InOne (Attributes & Events) with a data type; values of another type are
// not reflected in the profile, so the Mapper converts them or leaves them
// out.
type Types struct {
	custom map[string]convert.Kind // name without the c_ prefix -> kind
	types  map[string]string       // name -> Insider's type, for messages
}

// NewTypes reads the custom attributes of a metadata answer.
func NewTypes(cols []insider.Column) *Types {
	t := &Types{custom: map[string]convert.Kind{}, types: map[string]string{}}
	for _, c := range cols {
		name, ok := c.CustomName()
		if !ok || name == "" {
			continue
		}
		t.custom[name] = kindOfType(c.Type)
		t.types[name] = c.Type
	}
	return t
}

// kindOfType maps a metadata type to the kind values are converted to.
// Only "array" is attested in what Insider's own tools read; the other
// names are the data types InOne offers (String, Number, Boolean, Date),
// spelled as the metadata is expected to spell them. An unknown type sends
// values as they come.
func kindOfType(t string) convert.Kind {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "string", "text":
		return convert.String
	case "number", "numeric", "integer", "int", "float", "double", "decimal", "long":
		return convert.Number
	case "boolean", "bool":
		return convert.Bool
	case "date", "datetime", "date_time", "timestamp":
		return convert.Date
	case "array", "list", "string_array", "array_string", "number_array", "array_number":
		return convert.List
	}
	return convert.Any
}

// kind returns the declared kind of a custom attribute; ok is false when
// Insider does not know the attribute.
func (t *Types) kind(name string) (convert.Kind, bool) {
	k, ok := t.custom[name]
	return k, ok
}

// UnknownAttributes lists the custom attributes c maps or fixes that
// Insider's metadata does not declare, sorted, each once.
func (c *Config) UnknownAttributes(t *Types) []string {
	var out []string
	note := func(name string) {
		if _, isDefault := defaultAttributes[name]; isDefault {
			return
		}
		if _, ok := t.kind(name); !ok && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	for _, m := range c.AttributeMappings {
		note(m.Attribute)
	}
	for _, f := range c.FixedAttributes {
		note(f.Attribute)
	}
	slices.Sort(out)
	return out
}

// FixedTypeProblems lists fixed custom attributes whose value cannot be
// sent as the type Insider declares for them.
func (c *Config) FixedTypeProblems(t *Types) []string {
	var p []string
	for i, f := range c.FixedAttributes {
		if _, isDefault := defaultAttributes[f.Attribute]; isDefault {
			continue
		}
		k, ok := t.kind(f.Attribute)
		if !ok {
			continue
		}
		if _, ok := convert.Fixed(f.Value, k); !ok {
			p = append(p, "fixed_attributes["+strconv.Itoa(i)+"]: value "+quote(f.Value)+" cannot be sent as Insider's "+
				t.types[f.Attribute]+" attribute "+quote(f.Attribute))
		}
	}
	return p
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
