package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// syncFiles are the outputs of one containerised read | write run.
type syncFiles struct {
	source, dest, dump string
}

// checkSync checks a read | write run: both outputs are valid Airbyte messages without
// TRACE errors, the destination echoed at least one STATE of stream, the last one holds the
// cursor key as an RFC 3339 time, its destinationStats and its logged summary add up to the
// source's records with nothing held back, and the fake Insider holds one profile per record
// that was not rejected.
func checkSync(v *validator, f syncFiles, stream, cursor string) error {
	src, err := v.readMessages(f.source)
	if err != nil {
		return err
	}
	dst, err := v.readMessages(f.dest)
	if err != nil {
		return err
	}
	if errs := traceErrors(src); len(errs) > 0 {
		return fmt.Errorf("source reported errors: %s", strings.Join(errs, "; "))
	}
	if errs := traceErrors(dst); len(errs) > 0 {
		return fmt.Errorf("destination reported errors: %s", strings.Join(errs, "; "))
	}
	records := 0
	for _, m := range src {
		if m.Type == "RECORD" && m.Record.Stream == stream {
			records++
		}
	}
	var states []*stateMsg
	var committed, rejected int64
	for _, m := range dst {
		if m.Type == "STATE" && m.State.Stream != nil && m.State.Stream.StreamDescriptor.Name == stream {
			states = append(states, m.State)
			if s := m.State.DestinationStats; s != nil {
				committed += int64(s.RecordCount)
				rejected += int64(s.RejectedRecordCount)
			}
		}
	}
	sum, err := findSummary(dst)
	if err != nil {
		return err
	}
	fmt.Printf("destination log: %s\n", sum.text)
	if records == 0 {
		return fmt.Errorf("the source sent no %s records (types: %v)", stream, countTypes(src))
	}
	if len(states) == 0 {
		return fmt.Errorf("the destination echoed no STATE for %s (types: %v)", stream, countTypes(dst))
	}
	last := states[len(states)-1]
	var st map[string]any
	if err := json.Unmarshal(last.Stream.StreamState, &st); err != nil {
		return fmt.Errorf("last echoed state: %w", err)
	}
	ts, _ := st[cursor].(string)
	if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
		return fmt.Errorf("last echoed %s state has no RFC 3339 %q: %s", stream, cursor, last.Stream.StreamState)
	}
	if committed+rejected != int64(records) {
		return fmt.Errorf("destinationStats count %d committed + %d rejected, the source sent %d records",
			committed, rejected, records)
	}
	if sum.recordsRead != int64(records) {
		return fmt.Errorf("the destination's summary says records_read=%d, the source sent %d", sum.recordsRead, records)
	}
	if sum.rejected != rejected {
		return fmt.Errorf("the destination's summary says rejected=%d, its echoed states count %d", sum.rejected, rejected)
	}
	if sum.heldBack != 0 {
		return fmt.Errorf("the destination held back %d records", sum.heldBack)
	}
	profiles, err := countProfiles(f.dump)
	if err != nil {
		return err
	}
	want := int64(records) - rejected
	if int64(profiles) != want {
		return fmt.Errorf("fake Insider holds %d profiles, want %d (%d records - %d rejected)",
			profiles, want, records, rejected)
	}
	fmt.Printf("%d %s records read, %d echoed states (last %s=%s), %d committed, %d rejected, %d profiles in Insider\n",
		records, stream, len(states), cursor, ts, committed, rejected, profiles)
	return nil
}

// summary is the destination's end-of-run LOG line: "write summary key=value ...".
type summary struct {
	text                            string
	recordsRead, rejected, heldBack int64
}

// findSummary finds the last LOG message carrying records_read= and rejected= counts.
func findSummary(msgs []message) (summary, error) {
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Type != "LOG" {
			continue
		}
		fields := map[string]int64{}
		for _, word := range strings.Fields(m.Log.Message) {
			k, v, ok := strings.Cut(word, "=")
			if n, err := strconv.ParseInt(v, 10, 64); ok && err == nil {
				fields[k] = n
			}
		}
		read, okRead := fields["records_read"]
		rejected, okRejected := fields["rejected"]
		if okRead && okRejected {
			return summary{text: m.Log.Message, recordsRead: read, rejected: rejected, heldBack: fields["held_back"]}, nil
		}
	}
	return summary{}, errors.New("the destination logged no summary with records_read= and rejected=")
}

// countProfiles counts the profiles in the fake Insider's dump: a JSON array of profiles, an
// object with a "profiles" array or object, or an object keyed by profile.
func countProfiles(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read profile dump: %w", err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return 0, fmt.Errorf("profile dump %s: %w", path, err)
	}
	if obj, ok := doc.(map[string]any); ok {
		if p, ok := obj["profiles"]; ok {
			doc = p
		}
	}
	switch d := doc.(type) {
	case []any:
		return len(d), nil
	case map[string]any:
		return len(d), nil
	}
	return 0, errors.New("profile dump is neither a JSON array nor an object")
}
