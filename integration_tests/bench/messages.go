package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// messageCounts is what a connector's stdout held.
type messageCounts struct {
	Records int64    // RECORD messages
	States  int64    // STATE messages
	Errors  []string // TRACE ERROR messages
	// Summary holds the fields of the destination's "write summary" LOG message (nil if none).
	Summary map[string]string
}

// summaryPrefix starts the destination's final LOG message.
const summaryPrefix = "write summary"

// scanMessages counts the Airbyte messages of r, one per line. Lines are only decoded when
// they are not RECORD or STATE, so scanning a million records costs little.
func scanMessages(r io.Reader) (messageCounts, error) {
	var c messageCounts
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		switch messageType(line) {
		case "RECORD":
			c.Records++
		case "STATE":
			c.States++
		case "TRACE":
			var m struct {
				Trace struct {
					Error *struct {
						Message string `json:"message"`
					} `json:"error"`
				} `json:"trace"`
			}
			if json.Unmarshal(line, &m) == nil && m.Trace.Error != nil {
				c.Errors = append(c.Errors, m.Trace.Error.Message)
			}
		case "LOG":
			var m struct {
				Log struct {
					Message string `json:"message"`
				} `json:"log"`
			}
			if json.Unmarshal(line, &m) == nil && strings.HasPrefix(m.Log.Message, summaryPrefix) {
				fields, err := pipeline.LogFields(strings.TrimPrefix(m.Log.Message, summaryPrefix))
				if err != nil {
					return c, fmt.Errorf("destination summary %q: %w", m.Log.Message, err)
				}
				c.Summary = fields
			}
		}
	}
	return c, sc.Err()
}

// summaryInt reads one number of the write summary (-1 when absent or not a number).
func (c messageCounts) summaryInt(key string) int64 {
	n, err := strconv.ParseInt(c.Summary[key], 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// messageType returns the type of a message line, looking at its start before decoding it.
func messageType(line []byte) string {
	if i := bytes.Index(line, []byte(`"type":"`)); i >= 0 && i < 4 {
		rest := line[i+8:]
		if j := bytes.IndexByte(rest, '"'); j >= 0 {
			return string(rest[:j])
		}
	}
	var m struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(line, &m) == nil {
		return m.Type
	}
	return ""
}
