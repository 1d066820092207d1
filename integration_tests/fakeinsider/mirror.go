package fakeinsider

import (
	"fmt"
	"maps"
	"slices"
)

// This file helps end-to-end tests compare the fake's final state with the source's, profile by
// profile.

// View is a profile as a mirror test compares it: identifiers by type ("email",
// "phone_number", "uuid", "custom.<name>"), default attributes, custom attributes and events.
// The maps are never nil.
type View struct {
	InsiderID   string
	Identifiers map[string]string
	Attributes  map[string]any
	Custom      map[string]any
	Events      []Event
	Anonymized  bool
}

// View returns the profile as a View.
func (p Profile) View() View {
	return View{InsiderID: p.InsiderID, Identifiers: p.IdentifierMap(), Attributes: p.Defaults(),
		Custom: p.Custom(), Events: slices.Clone(p.Events), Anonymized: p.Anonymized}
}

// IdentifierMap returns the profile's identifiers by type.
func (p Profile) IdentifierMap() map[string]string {
	out := map[string]string{}
	for _, id := range p.Identifiers.List() {
		out[id.Type] = id.Value
	}
	return out
}

// Defaults returns the profile's default attributes: every attribute but the custom ones.
func (p Profile) Defaults() map[string]any {
	out := maps.Clone(p.Attributes)
	if out == nil {
		out = map[string]any{}
	}
	delete(out, "custom")
	return out
}

// Custom returns the profile's custom attributes, by name without the c_ prefix.
func (p Profile) Custom() map[string]any {
	cm, _ := p.Attributes["custom"].(map[string]any)
	out := maps.Clone(cm)
	if out == nil {
		out = map[string]any{}
	}
	return out
}

// CustomStrings returns the values of the custom array attribute name, formatted with %v and
// sorted (nil when the profile does not have it, or it is not an array).
func (p Profile) CustomStrings(name string) []string {
	arr, ok := p.Custom()[name].([]any)
	if !ok {
		return nil
	}
	out := make([]string, len(arr))
	for i, v := range arr {
		out[i] = fmt.Sprint(v)
	}
	slices.Sort(out)
	return out
}

// ViewsBy returns every profile's View keyed by its identifier of type typ (for example
// "uuid", holding a CRM id), and the profiles that have none.
func (s *Server) ViewsBy(typ string) (byID map[string]View, without []View) {
	byID = map[string]View{}
	for _, p := range s.Profiles() {
		if v := p.Identifiers.Get(typ); v != "" {
			byID[v] = p.View()
		} else {
			without = append(without, p.View())
		}
	}
	return byID, without
}

// HeldValues returns every value of identifier type typ that a profile holds, sorted.
func (s *Server) HeldValues(typ string) []string {
	var out []string
	for _, p := range s.Profiles() {
		if v := p.Identifiers.Get(typ); v != "" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// CheckNotHeld returns nil when no profile holds identifier typ with value v, else an error
// naming the profile that does.
func (s *Server) CheckNotHeld(typ, v string) error {
	if p, ok := s.Find(typ, v); ok {
		return fmt.Errorf("profile %s holds %s %q (identifiers %v)", p.InsiderID, typ, v, p.IdentifierMap())
	}
	return nil
}
