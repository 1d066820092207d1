package protocol

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/nyaruka/phonenumbers"
	_ "github.com/rs/zerolog"
	_ "github.com/santhosh-tekuri/jsonschema/v5"
	_ "go.uber.org/goleak"
	_ "golang.org/x/oauth2"
	_ "golang.org/x/time/rate"
)
