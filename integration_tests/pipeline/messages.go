package pipeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// Lines returns a scanner of r's lines that holds lines of up to 64 MiB, as Airbyte messages
// may be.
func Lines(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	return sc
}

// MessageType returns the type of a message line without decoding all of it.
func MessageType(line []byte) string {
	var m struct {
		Type string `json:"type"`
	}
	if i := bytes.Index(line, []byte(`"type":"`)); i >= 0 && i < 4 {
		rest := line[i+8:]
		if j := bytes.IndexByte(rest, '"'); j >= 0 {
			return string(rest[:j])
		}
	}
	if json.Unmarshal(line, &m) == nil {
		return m.Type
	}
	return ""
}

// TraceError returns the message of a TRACE ERROR line, or "" for any other line.
func TraceError(line []byte) string {
	var m struct {
		Trace struct {
			Error *struct {
				Message string `json:"message"`
			} `json:"error"`
		} `json:"trace"`
	}
	if json.Unmarshal(line, &m) == nil && m.Trace.Error != nil {
		return m.Trace.Error.Message
	}
	return ""
}
