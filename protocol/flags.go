package protocol

import (
	"errors"
	"fmt"
	"strings"
)

// Command is a connector command.
type Command string

// Commands.
const (
	CmdSpec     Command = "spec"
	CmdCheck    Command = "check"
	CmdDiscover Command = "discover"
	CmdRead     Command = "read"
	CmdWrite    Command = "write"
)

// Args are the parsed command line: a command and the file paths its flags name.
type Args struct {
	Command Command
	Config  string
	Catalog string
	State   string
}

// usage is appended to command-line errors.
const usage = "usage: spec | check --config FILE | discover --config FILE | " +
	"read --config FILE --catalog FILE [--state FILE] | write --config FILE --catalog FILE"

// ParseArgs parses args (without the program name). Flags come in any order, as --flag value or
// --flag=value; --debug and other flags without a value are accepted and ignored. allowed lists
// the commands of this connector.
func ParseArgs(args []string, allowed ...Command) (Args, error) {
	var a Args
	if len(args) == 0 {
		return a, errors.New("no command given; " + usage)
	}
	a.Command = Command(args[0])
	known := false
	for _, c := range allowed {
		known = known || c == a.Command
	}
	if !known {
		return a, fmt.Errorf("unknown command %q; %s", args[0], usage)
	}
	for i := 1; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") {
			return a, fmt.Errorf("unexpected argument %q; %s", arg, usage)
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		var dst *string
		switch name {
		case "config":
			dst = &a.Config
		case "catalog":
			dst = &a.Catalog
		case "state":
			dst = &a.State
		default:
			// A harmless extra flag such as --debug. Its value, if it has one as a separate
			// argument, is not a flag and is skipped too.
			if !hasValue && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++
			}
			continue
		}
		if !hasValue {
			if i+1 >= len(args) || strings.HasPrefix(args[i+1], "--") {
				return a, fmt.Errorf("flag --%s needs a file path", name)
			}
			i++
			value = args[i]
		}
		if value == "" {
			return a, fmt.Errorf("flag --%s needs a file path", name)
		}
		*dst = value
	}
	need := map[Command][]string{CmdCheck: {"config"}, CmdDiscover: {"config"},
		CmdRead: {"config", "catalog"}, CmdWrite: {"config", "catalog"}}
	for _, f := range need[a.Command] {
		if (f == "config" && a.Config == "") || (f == "catalog" && a.Catalog == "") {
			return a, fmt.Errorf("%s needs --%s FILE; %s", a.Command, f, usage)
		}
	}
	return a, nil
}
