package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// message is one decoded Airbyte message line. Only the parts the checks read are typed; Raw
// keeps the line.
type message struct {
	Type             string          `json:"type"`
	Record           *recordMsg      `json:"record"`
	State            *stateMsg       `json:"state"`
	Log              *logMsg         `json:"log"`
	Trace            json.RawMessage `json:"trace"`
	Spec             json.RawMessage `json:"spec"`
	Catalog          json.RawMessage `json:"catalog"`
	DestCatalog      json.RawMessage `json:"destination_catalog"`
	ConnectionStatus *statusMsg      `json:"connectionStatus"`
	Raw              []byte          `json:"-"`
}

type recordMsg struct {
	Stream string `json:"stream"`
}

type stateMsg struct {
	Type   string `json:"type"`
	Stream *struct {
		StreamDescriptor struct {
			Name string `json:"name"`
		} `json:"stream_descriptor"`
		StreamState json.RawMessage `json:"stream_state"`
	} `json:"stream"`
	DestinationStats *struct {
		RecordCount         float64 `json:"recordCount"`
		RejectedRecordCount float64 `json:"rejectedRecordCount"`
	} `json:"destinationStats"`
}

type logMsg struct {
	Level   string `json:"level"`
	Message string `json:"message"`
}

type statusMsg struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// validator checks lines against AirbyteMessage of the official protocol schema.
type validator struct {
	schema *jsonschema.Schema
}

// newValidator compiles #/definitions/AirbyteMessage of the airbyte_protocol.json at path.
func newValidator(path string) (*validator, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("read protocol schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	const url = "airbyte_protocol.json"
	if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("load protocol schema %s: %w", abs, err)
	}
	s, err := c.Compile(url + "#/definitions/AirbyteMessage")
	if err != nil {
		return nil, fmt.Errorf("compile AirbyteMessage from %s: %w", abs, err)
	}
	return &validator{schema: s}, nil
}

// readMessages reads a JSON-lines file ("-" is stdin) and validates every non-empty line.
// Any line that is not a valid Airbyte message is an error naming the line.
func (v *validator) readMessages(path string) ([]message, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var out []message
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var doc any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%s line %d is not JSON (%w): %.200s", path, n, err, line)
		}
		if err := v.schema.Validate(doc); err != nil {
			return nil, fmt.Errorf("%s line %d is not a valid Airbyte message: %w: %.300s", path, n, err, line)
		}
		var m message
		if err := json.Unmarshal(line, &m); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		m.Raw = append([]byte(nil), line...)
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// countTypes returns how many messages of each type there are.
func countTypes(msgs []message) map[string]int {
	n := map[string]int{}
	for _, m := range msgs {
		n[m.Type]++
	}
	return n
}

// traceErrors returns the message text of every TRACE of type ERROR.
func traceErrors(msgs []message) []string {
	var out []string
	for _, m := range msgs {
		if m.Type != "TRACE" {
			continue
		}
		var t struct {
			Type  string `json:"type"`
			Error *struct {
				Message     string `json:"message"`
				FailureType string `json:"failure_type"`
			} `json:"error"`
		}
		if json.Unmarshal(m.Trace, &t) == nil && t.Type == "ERROR" && t.Error != nil {
			out = append(out, fmt.Sprintf("%s: %s", t.Error.FailureType, t.Error.Message))
		}
	}
	return out
}
