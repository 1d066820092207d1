package protocol_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// fakeDestination commits every record except those whose data contains "bad", which fail.
type fakeDestination struct{ lineErrors int }

func (d *fakeDestination) Spec(context.Context) (*protocol.Spec, error) {
	return &protocol.Spec{ConnectionSpecification: json.RawMessage(`{"type":"object","required":["api_key"],"properties":{"api_key":{"type":"string","airbyte_secret":true}}}`),
		SupportedDestinationSyncModes: []protocol.DestinationSyncMode{protocol.DestinationSyncModeAppend}}, nil
}

func (d *fakeDestination) Check(context.Context, json.RawMessage) error { return nil }

func (d *fakeDestination) Write(ctx context.Context, _ json.RawMessage, _ *protocol.ConfiguredCatalog, in *protocol.Reader, states *protocol.StateTracker) error {
	var failed int
	for {
		m, err := in.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *protocol.LineError
		if errors.As(err, &le) {
			d.lineErrors++
			zerolog.Ctx(ctx).Warn().Err(err).Msg("skipped input line")
			continue
		}
		if err != nil {
			return err
		}
		switch m.Type {
		case protocol.TypeRecord:
			ref := states.Record(protocol.StreamDescriptor{Name: m.Record.Stream, Namespace: m.Record.Namespace})
			if bytes.Contains(m.Record.Data, []byte("bad")) {
				failed++
				err = states.Fail(ref)
			} else {
				err = states.Commit(ref)
			}
		case protocol.TypeState:
			err = states.State(m)
		}
		if err != nil {
			return err
		}
	}
	if failed > 0 {
		return protocol.NewError(protocol.FailureTransient, "records held back", nil)
	}
	return nil
}

func TestRunDestinationWrite(t *testing.T) {
	input := strings.Join([]string{
		`{"type":"RECORD","record":{"stream":"contacts","data":{"id":"1"},"emitted_at":1}}`,
		`{"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1,"stream_status":{"stream_descriptor":{"name":"contacts"},"status":"RUNNING"}}}`,
		`garbage`,
		`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"n":1}},"sourceStats":{"recordCount":1.0}}}`,
		`{"type":"RECORD","record":{"stream":"event_x","data":{"id":"bad"},"emitted_at":1}}`,
		`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"event_x"},"stream_state":{"n":2}},"sourceStats":{"recordCount":1.0}}}`,
		`{"type":"RECORD","record":{"stream":"contacts","data":{"id":"2"},"emitted_at":1}}`,
		`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"n":3}},"sourceStats":{"recordCount":1.0}}}`,
	}, "\n") + "\n"
	d := &fakeDestination{}
	var out bytes.Buffer
	code := protocol.RunDestination(context.Background(), protocol.Env{
		Args:  []string{"write", "--catalog", catalogFile(t), "--config", writeFile(t, "c.json", `{"api_key":"`+secret+`"}`)},
		Stdin: strings.NewReader(input), Stdout: &out, Now: func() time.Time { return t0 }}, d)
	protocoltest.ValidateOutput(t, out.Bytes())
	if code == 0 {
		t.Error("exit 0 with a failed record")
	}
	if d.lineErrors != 1 {
		t.Errorf("line errors = %d, want 1", d.lineErrors)
	}
	msgs := protocoltest.Messages(t, out.Bytes())
	var echoed []string
	for _, m := range protocoltest.OfType(msgs, protocol.TypeState) {
		echoed = append(echoed, string(m.State.Stream.StreamState))
	}
	if strings.Join(echoed, " ") != `{"n":1} {"n":3}` {
		t.Errorf("echoed %v, want the two contacts states and not the failed event state", echoed)
	}
	tr := protocoltest.OfType(msgs, protocol.TypeTrace)
	if len(tr) != 1 || tr[0].Trace.Error.FailureType != protocol.FailureTransient {
		t.Errorf("traces = %+v", tr)
	}
}
