package hubspot

// DefaultLimits returns the request budgets a client uses where none are configured: the values
// the source's spec.json states as rate_limits defaults.
func DefaultLimits() Limits { return Limits{}.withDefaults() }
