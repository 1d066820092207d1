package main

import (
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
	sc := pipeline.Lines(r)
	for sc.Scan() {
		line := sc.Bytes()
		switch pipeline.MessageType(line) {
		case "RECORD":
			c.Records++
		case "STATE":
			c.States++
		case "TRACE":
			if m := pipeline.TraceError(line); m != "" {
				c.Errors = append(c.Errors, m)
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
