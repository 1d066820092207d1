package protocol_test

import (
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

var sourceCmds = []protocol.Command{protocol.CmdSpec, protocol.CmdCheck, protocol.CmdDiscover, protocol.CmdRead}

func TestParseArgsAnyOrder(t *testing.T) {
	want := protocol.Args{Command: protocol.CmdRead, Config: "c.json", Catalog: "cat.json", State: "s.json"}
	for _, args := range [][]string{
		{"read", "--config", "c.json", "--catalog", "cat.json", "--state", "s.json"},
		{"read", "--state", "s.json", "--catalog", "cat.json", "--config", "c.json"},
		{"read", "--catalog=cat.json", "--debug", "--state=s.json", "--config", "c.json"},
		{"read", "--debug", "--config", "c.json", "-catalog", "cat.json", "--state", "s.json"},
	} {
		got, err := protocol.ParseArgs(args, sourceCmds...)
		if err != nil {
			t.Errorf("ParseArgs(%q): %v", args, err)
			continue
		}
		if got != want {
			t.Errorf("ParseArgs(%q) = %+v, want %+v", args, got, want)
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
