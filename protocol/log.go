package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/rs/zerolog"
)

// logWriter turns each zerolog event (one JSON object) into an Airbyte LOG message on the shared
// Writer, so log lines never reach stdout as plain text. Fields other than the message are
// appended as key=value pairs. The Writer redacts secrets.
type logWriter struct {
	out *Writer
}

// NewLogger returns a zerolog.Logger whose events become LOG messages on out.
func NewLogger(out *Writer, level zerolog.Level) zerolog.Logger {
	return zerolog.New(logWriter{out: out}).Level(level)
}

// Write implements io.Writer for zerolog.
func (w logWriter) Write(p []byte) (int, error) {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(p))
	dec.UseNumber()
	if err := dec.Decode(&fields); err != nil {
		// Not zerolog's JSON; keep the text rather than lose it.
		if err := w.out.Write(&Message{Type: TypeLog, Log: &Log{Level: LogInfo, Message: strings.TrimSpace(string(p))}}); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	level := LogInfo
	var lv string
	if raw, ok := fields[zerolog.LevelFieldName]; ok && json.Unmarshal(raw, &lv) == nil {
		level = mapLevel(lv)
	}
	var msg string
	if raw, ok := fields[zerolog.MessageFieldName]; ok {
		_ = json.Unmarshal(raw, &msg) // a non-string message is shown below as a field
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if k != zerolog.LevelFieldName && k != zerolog.MessageFieldName && k != zerolog.TimestampFieldName {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(msg)
	for _, k := range keys {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%s", k, fieldText(fields[k]))
	}
	if err := w.out.Write(&Message{Type: TypeLog, Log: &Log{Level: level, Message: b.String()}}); err != nil {
		return 0, err
	}
	return len(p), nil
}

// fieldText shows a string field without quotes unless it contains spaces.
func fieldText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if strings.ContainsAny(s, " \t\n") || s == "" {
			q, _ := json.Marshal(s)
			return string(q)
		}
		return s
	}
	return string(raw)
}

func mapLevel(l string) LogLevel {
	switch l {
	case "trace":
		return LogTrace
	case "debug":
		return LogDebug
	case "warn":
		return LogWarn
	case "error":
		return LogError
	case "fatal", "panic":
		return LogFatal
	}
	return LogInfo
}
