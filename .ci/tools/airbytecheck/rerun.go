package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// saveState writes the last STATE of stream that the destination echoed in path, as the state
// file of the next read: a JSON array holding that one state.
func saveState(v *validator, path, out, stream string) error {
	msgs, err := v.readMessages(path)
	if err != nil {
		return err
	}
	var last json.RawMessage
	for _, m := range msgs {
		if m.Type == "STATE" && m.State.Stream != nil && m.State.Stream.StreamDescriptor.Name == stream {
			var env struct {
				State json.RawMessage `json:"state"`
			}
			if err := json.Unmarshal(m.Raw, &env); err != nil {
				return err
			}
			last = env.State
		}
	}
	if last == nil {
		return fmt.Errorf("%s holds no STATE for %s", path, stream)
	}
	data := append(append([]byte("["), last...), "]\n"...)
	if err := os.WriteFile(out, data, 0o600); err != nil {
		return err
	}
	fmt.Printf("state file with %s\n", last)
	return nil
}

// checkRerun checks an incremental read started from a saved state: valid messages, no TRACE
// errors, a STATE for stream, and fewer records of stream than the first full read (at most max
// when max is not negative).
func checkRerun(v *validator, path, first, stream string, maxRecords int) error {
	again, err := v.readMessages(path)
	if err != nil {
		return err
	}
	before, err := v.readMessages(first)
	if err != nil {
		return err
	}
	if errs := traceErrors(again); len(errs) > 0 {
		return fmt.Errorf("the incremental read reported errors: %s", strings.Join(errs, "; "))
	}
	count := func(msgs []message) (records, states int) {
		for _, m := range msgs {
			switch {
			case m.Type == "RECORD" && m.Record.Stream == stream:
				records++
			case m.Type == "STATE" && m.State.Stream != nil && m.State.Stream.StreamDescriptor.Name == stream:
				states++
			}
		}
		return records, states
	}
	n, states := count(again)
	full, _ := count(before)
	if states == 0 {
		return fmt.Errorf("the incremental read emitted no STATE for %s", stream)
	}
	if n >= full {
		return fmt.Errorf("the incremental read sent %d %s records, the first read %d: the state was not used", n, stream, full)
	}
	if maxRecords >= 0 && n > maxRecords {
		return fmt.Errorf("the incremental read sent %d %s records, want at most %d (the changes since the first read)", n, stream, maxRecords)
	}
	fmt.Printf("incremental read from the saved state: %d %s records (first read %d), %d states\n", n, stream, full, states)
	return nil
}
