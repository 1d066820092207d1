package protocol_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

var sourceCmds = []protocol.Command{protocol.CmdSpec, protocol.CmdCheck, protocol.CmdDiscover, protocol.CmdRead}

func TestParseArgsAnyOrder(t *testing.T) {
	want := protocol.Args{Command: protocol.CmdRead, Config: "c.json", Catalog: "cat.json", State: "s.json"}
	debug := want
	debug.Debug = true
	for _, tc := range []struct {
		args []string
		want protocol.Args
	}{
		{[]string{"read", "--config", "c.json", "--catalog", "cat.json", "--state", "s.json"}, want},
		{[]string{"read", "--state", "s.json", "--catalog", "cat.json", "--config", "c.json"}, want},
		{[]string{"read", "--catalog=cat.json", "--debug", "--state=s.json", "--config", "c.json"}, debug},
		{[]string{"read", "--debug", "--config", "c.json", "-catalog", "cat.json", "--state", "s.json"}, debug},
		{[]string{"read", "-debug", "-config=c.json", "-catalog", "cat.json", "-state", "s.json"}, debug},
		{[]string{"read", "--debug=false", "--config", "c.json", "--catalog", "cat.json", "--state", "s.json"}, want},
	} {
		got, err := protocol.ParseArgs(tc.args, sourceCmds...)
		if err != nil {
			t.Errorf("ParseArgs(%q): %v", tc.args, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseArgs(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

// TestParseArgsExtraFileFlags checks that a command accepts (and ignores) the file flags of
// another command, as a launcher that passes the same flags to each may do.
func TestParseArgsExtraFileFlags(t *testing.T) {
	got, err := protocol.ParseArgs([]string{"check", "--config", "c", "--catalog", "k"}, sourceCmds...)
	if want := (protocol.Args{Command: protocol.CmdCheck, Config: "c", Catalog: "k"}); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseArgs = %+v, %v; want %+v", got, err, want)
	}
}

// TestParseArgsIgnoresUnknownFlags: a flag no command takes is left out with its value and
// reported, as Airbyte's CDK does, so a launcher that passes a new flag does not break a run;
// the known flags around it still count.
func TestParseArgsIgnoresUnknownFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		ignored []string
	}{
		{[]string{"read", "--config", "c", "--catalog", "k", "--verbose"}, []string{"--verbose"}},
		{[]string{"read", "--log-level", "info", "--config", "c", "--catalog", "k"}, []string{"--log-level"}},
		{[]string{"read", "--bogus=1", "--config", "c", "-x", "--catalog", "k"}, []string{"--bogus", "--x"}},
	} {
		got, err := protocol.ParseArgs(tc.args, sourceCmds...)
		want := protocol.Args{Command: protocol.CmdRead, Config: "c", Catalog: "k", Ignored: tc.ignored}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseArgs(%q) = %+v, %v; want %+v", tc.args, got, err, want)
		}
	}
	if _, err := protocol.ParseArgs([]string{"read", "--verbose", "--config", "c"}, sourceCmds...); err == nil ||
		!strings.Contains(err.Error(), "read needs --catalog") {
		t.Errorf("an ignored flag hid a missing --catalog: %v", err)
	}
}

func TestParseArgsDebugOnEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"spec", "-debug"}, {"check", "--config", "c", "--debug"}, {"discover", "-debug", "-config", "c"}} {
		got, err := protocol.ParseArgs(args, sourceCmds...)
		if err != nil || !got.Debug {
			t.Errorf("ParseArgs(%q) = %+v, %v; want Debug", args, got, err)
		}
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"write", "--config", "c"}, `unknown command "write"`},
		{[]string{"check"}, "check needs --config"},
		{[]string{"read", "--config", "c"}, "read needs --catalog"},
		{[]string{"read", "--config"}, "--config needs a file path"},
		{[]string{"read", "--config", "--catalog", "x"}, "--config needs a file path"},
		{[]string{"read", "--config=", "--catalog", "x"}, "--config needs a file path"},
		{[]string{"check", "stray", "--config", "c"}, `unexpected argument "stray"`},
		{[]string{"read", "--config", "c", "--catalog"}, "--catalog needs a file path; usage:"},
		{[]string{"read", "--debug", "true", "--config", "c"}, `unexpected argument "true"`},
	} {
		_, err := protocol.ParseArgs(tc.args, sourceCmds...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseArgs(%q) error = %v, want it to contain %q", tc.args, err, tc.want)
		}
	}
}

func TestParseArgsStateOptional(t *testing.T) {
	got, err := protocol.ParseArgs([]string{"read", "--catalog", "k", "--config", "c"}, sourceCmds...)
	if err != nil || got.State != "" {
		t.Fatalf("ParseArgs without --state = %+v, %v", got, err)
	}
}

func FuzzParseArgs(f *testing.F) {
	f.Add("read --config c --catalog k --state s")
	f.Add("check --config=c --debug")
	f.Add("read -- --config")
	f.Add("spec ---x=")
	f.Fuzz(func(t *testing.T, line string) {
		a, err := protocol.ParseArgs(strings.Fields(line), sourceCmds...)
		if err == nil && a.Command == protocol.CmdRead && (a.Config == "" || a.Catalog == "") {
			t.Errorf("read accepted without config or catalog: %+v", a)
		}
	})
}
