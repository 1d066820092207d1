package protocol_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

func TestLoggerWritesRedactedLogMessages(t *testing.T) {
	var buf bytes.Buffer
	red := protocol.NewRedactor()
	w := protocol.NewWriter(&buf, red)
	log := protocol.NewLogger(w, zerolog.DebugLevel)
	red.Add("tok/en+with=chars") // added mid-run, like an OAuth access token
	log.Warn().Str("stream", "contacts").Int("status", 429).Err(errors.New(`body {"token":"tok/en+with=chars"}`)).
		Str("url", "https://x/y?access_token=tok%2Fen%2Bwith%3Dchars").Msg("retrying")
	log.Debug().Msg("page")
	log.Error().Msg("")
	_ = w.Flush()
	out := buf.String()
	if strings.Contains(out, "tok/en") || strings.Contains(out, "tok%2Fen") {
		t.Fatalf("secret leaked: %s", out)
	}
	msgs := protocoltest.Messages(t, buf.Bytes())
	if len(msgs) != 3 {
		t.Fatalf("got %d messages: %s", len(msgs), out)
	}
	if l := msgs[0].Log; l.Level != protocol.LogWarn || !strings.HasPrefix(l.Message, "retrying ") || !strings.Contains(l.Message, "status=429") || !strings.Contains(l.Message, "stream=contacts") {
		t.Errorf("log = %+v", l)
	}
	if msgs[1].Log.Level != protocol.LogDebug || msgs[2].Log.Level != protocol.LogError {
		t.Errorf("levels = %s, %s", msgs[1].Log.Level, msgs[2].Log.Level)
	}
	protocoltest.ValidateOutput(t, buf.Bytes())
}
