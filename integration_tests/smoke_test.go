package integrationtests

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// TestBinarySmoke runs each built binary against the fakes and checks that it answers as the
// same connector does in this process, where the acceptance suites run it: each main wires the
// same code, reads its flags, files and stdin, and exits as the protocol says. The source's
// read is piped into the destination's write, which upserts every contact and echoes the
// source's last state of each stream.
func TestBinarySmoke(t *testing.T) {
	bins := connectorBinaries(t)
	hs := startAcceptanceHubSpot(t)
	in := startAcceptanceInsider(t)
	dir := t.TempDir()
	srcConfig := writeJSON(t, dir, "source_config.json", sourceConfigFor(t, hs))
	dstConfig := writeJSON(t, dir, "destination_config.json", destinationConfigFor(t, in))
	catalog := writeJSON(t, dir, "catalog.json", fixture(t, "configured_catalog.json"))
	for _, tc := range []struct {
		c           connector
		bin, config string
	}{{sourceHubSpot, bins.Source, srcConfig}, {destinationInsider, bins.Destination, dstConfig}} {
		t.Run(tc.c.name, func(t *testing.T) {
			bin, inProcess := runConnector(t, tc.bin, nil, "spec"), tc.c.run(t, nil, "spec")
			if bin.Exit != 0 {
				t.Fatalf("spec exit %d\nstderr: %s", bin.Exit, bin.Stderr)
			}
			if d := cmp.Diff(onlySpec(t, inProcess.Msgs), onlySpec(t, bin.Msgs)); d != "" {
				t.Errorf("the binary's SPEC differs from the connector's in this process (-in process +binary):\n%s", d)
			}
			check := runConnector(t, tc.bin, nil, "check", "--config", tc.config)
			statuses := protocoltest.OfType(check.Msgs, protocol.TypeConnectionStatus)
			if check.Exit != 0 || len(statuses) != 1 || statuses[0].ConnectionStatus.Status != protocol.StatusSucceeded {
				t.Errorf("check exit %d, want 0 and one SUCCEEDED\nstdout: %s\nstderr: %s", check.Exit, check.Stdout, check.Stderr)
			}
		})
	}

	args := []string{"read", "--config", srcConfig, "--catalog", catalog}
	read := runConnector(t, bins.Source, nil, args...)
	if read.Exit != 0 {
		t.Fatalf("read exit %d: %+v\nstderr: %s", read.Exit, traceErrors(read.Msgs), read.Stderr)
	}
	if got, want := recordsPerStream(read.Msgs), recordsPerStream(sourceHubSpot.run(t, nil, args...).Msgs); len(got) == 0 || !cmp.Equal(got, want) {
		t.Errorf("the binary read %v records per stream, the connector in this process %v", got, want)
	}
	write := runConnector(t, bins.Destination, bytes.NewReader(read.Stdout), "write", "--config", dstConfig, "--catalog", catalog)
	if write.Exit != 0 {
		t.Fatalf("write exit %d: %+v\nstderr: %s", write.Exit, traceErrors(write.Msgs), write.Stderr)
	}
	if got, want := lastStreamStates(t, write.Msgs), lastStreamStates(t, read.Msgs); len(want) == 0 || !cmp.Equal(got, want) {
		t.Errorf("the destination's last echoed states %v, want the source's last states %v", got, want)
	}
	missing := 0
	for _, r := range records(read.Msgs) {
		if r.Stream != "contacts" {
			continue
		}
		if _, ok := in.FindByUUID(recordField(t, r, "id")); !ok {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d contacts read are not in Insider", missing)
	}
}

// onlySpec returns the one SPEC of msgs as generic JSON.
func onlySpec(t *testing.T, msgs []protocol.Message) any {
	t.Helper()
	specs := protocoltest.OfType(msgs, protocol.TypeSpec)
	if len(specs) != 1 {
		t.Fatalf("%d SPEC messages, want 1", len(specs))
	}
	raw, err := json.Marshal(specs[0].Spec)
	if err != nil {
		t.Fatal(err)
	}
	return normJSON(t, raw)
}

// recordsPerStream counts the RECORD messages of each stream.
func recordsPerStream(msgs []protocol.Message) map[string]int {
	out := map[string]int{}
	for _, r := range records(msgs) {
		out[r.Stream]++
	}
	return out
}

// lastStreamStates is the stream_state of the last STATE of each stream, as generic JSON.
func lastStreamStates(t *testing.T, msgs []protocol.Message) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, st := range streamStates(msgs) {
		if st.Stream == nil {
			t.Fatalf("state is not a STREAM state: %+v", st)
		}
		out[st.Stream.StreamDescriptor.Name] = normJSON(t, st.Stream.StreamState)
	}
	return out
}
