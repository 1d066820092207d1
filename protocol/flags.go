package protocol

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
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

// Args are the parsed command line: a command, the file paths its flags name and whether
// DEBUG logs are on.
type Args struct {
	Command Command
	Config  string
	Catalog string
	State   string
	Debug   bool
	Ignored []string // flags no command takes, left out as Airbyte's CDK leaves them out
}

// fileFlags are the file flags every command accepts, so that a launcher may pass the same
// flags to each; requiredFlags lists, per command, those it cannot run without.
var (
	fileFlags     = []string{"config", "catalog", "state"}
	requiredFlags = map[Command][]string{
		CmdCheck:    {"config"},
		CmdDiscover: {"config"},
		CmdRead:     {"config", "catalog"},
		CmdWrite:    {"config", "catalog"},
	}
)

// usage is appended to command-line errors.
const usage = "usage: spec | check --config FILE | discover --config FILE | " +
	"read --config FILE --catalog FILE [--state FILE] | write --config FILE --catalog FILE; " +
	"every command also takes --debug"

// ParseArgs parses args (without the program name) with a flag.FlagSet named for the command.
// Flags come in any order, as -flag value, --flag value or --flag=value; --debug (or -debug)
// turns on DEBUG logs. A flag no command takes is left out with its value (Airbyte's CDK
// accepts and ignores such flags, so a newer launcher passing one must not break a run) and
// listed in Ignored. A flag without its file path, a missing required flag or a stray argument
// is an error that names it and shows the usage. allowed lists the commands of this connector.
func ParseArgs(args []string, allowed ...Command) (Args, error) {
	var a Args
	if len(args) == 0 {
		return a, errors.New("no command given; " + usage)
	}
	a.Command = Command(args[0])
	if !slices.Contains(allowed, a.Command) {
		return a, fmt.Errorf("unknown command %q; %s", args[0], usage)
	}
	fs := flag.NewFlagSet(string(a.Command), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&a.Debug, "debug", false, "log at DEBUG level")
	dst := map[string]*string{"config": &a.Config, "catalog": &a.Catalog, "state": &a.State}
	for _, name := range fileFlags {
		fs.Var(pathValue{dst[name]}, name, name+" file")
	}
	rest, ignored := withoutUnknownFlags(args[1:])
	a.Ignored = ignored
	if err := fs.Parse(rest); err != nil {
		return a, flagError(a.Command, err)
	}
	if fs.NArg() > 0 {
		return a, fmt.Errorf("unexpected argument %q; %s", fs.Arg(0), usage)
	}
	for _, name := range requiredFlags[a.Command] {
		if *dst[name] == "" {
			return a, fmt.Errorf("%s needs --%s FILE; %s", a.Command, name, usage)
		}
	}
	return a, nil
}

// errNoPath is what pathValue.Set answers for an empty value or one that is another flag.
var errNoPath = errors.New("needs a file path")

// pathValue is a flag holding a file path. A value starting with "--" is taken for a flag
// whose path is missing, not for a path.
type pathValue struct{ p *string }

func (v pathValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v pathValue) Set(s string) error {
	if s == "" || strings.HasPrefix(s, "--") {
		return errNoPath
	}
	*v.p = s
	return nil
}

// flagError rewrites a flag.FlagSet error so that it names the flag and how to fix it.
func flagError(cmd Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Errorf("unknown flag %s for %s; %s", name, cmd, usage)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("flag -%s needs a file path; %s", name, usage)
	}
	// flag reports a Set error as `invalid value "…" for flag -config: needs a file path`.
	if strings.HasSuffix(msg, ": "+errNoPath.Error()) {
		if _, rest, ok := strings.Cut(msg, " for flag "); ok {
			name, _, _ := strings.Cut(rest, ":")
			return fmt.Errorf("flag -%s needs a file path; %s", name, usage)
		}
	}
	return fmt.Errorf("%w; %s", err, usage)
}

// withoutUnknownFlags returns args without the flags ParseArgs does not know, each with its
// value (the next argument, when the flag has no "=value" and the next argument is not a flag),
// and the flags it left out. Nothing after "--" is looked at.
func withoutUnknownFlags(args []string) (kept, ignored []string) {
	for i := 0; i < len(args); i++ {
		t := args[i]
		if t == "--" {
			return append(kept, args[i:]...), ignored
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(t, "-"), "=")
		if !strings.HasPrefix(t, "-") || name == "" || name == "debug" || slices.Contains(fileFlags, name) {
			kept = append(kept, t)
			continue
		}
		ignored = append(ignored, "--"+name)
		if !hasValue && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			i++
		}
	}
	return kept, ignored
}
