package protocoltest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

// Messages decodes each line of out as a protocol.Message, failing t on a line that is not one.
func Messages(t testing.TB, out []byte) []protocol.Message {
	t.Helper()
	var msgs []protocol.Message
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var m protocol.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("stdout line is not an Airbyte message: %v\n%s", err, truncate(sc.Bytes()))
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// OfType returns the messages of type typ.
func OfType(msgs []protocol.Message, typ protocol.MessageType) []protocol.Message {
	var out []protocol.Message
	for _, m := range msgs {
		if m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}
