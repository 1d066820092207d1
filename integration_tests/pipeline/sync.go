package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
)

// File names inside a sync's directory, as Airbyte names them in a job directory.
const (
	SourceConfigFile      = "source_config.json"
	DestinationConfigFile = "destination_config.json"
	CatalogFile           = "catalog.json"
	StateFile             = "state.json"
)

// Sync runs one sync: source read | destination write, with files in Dir.
type Sync struct {
	Bin Binaries
	// Dir holds source_config.json, destination_config.json, catalog.json and state.json
	// (written by the sync: the latest echoed state per stream).
	Dir string
	// SourceLine and DestinationLine, when set, see every stdout line of each process.
	SourceLine      func(line []byte)
	DestinationLine func(line []byte)
	// Stderr receives both processes' stderr; nil discards it.
	Stderr io.Writer
	// KillSourceAfterRecords, when positive, kills the source with SIGKILL once it has written
	// that many RECORD messages, as a crash or an evicted pod would.
	KillSourceAfterRecords int
	// KillSourceWhen, when set, kills the source with SIGKILL once it returns true for a line the
	// source wrote (the line itself is passed on).
	KillSourceWhen func(line []byte) bool
	// Env is added to both processes' environment.
	Env []string
}

// Result is what one sync did.
type Result struct {
	SourceExit, DestinationExit int
	Records                     int // RECORD messages the source wrote
	StatesEmitted               int // STATE messages the source wrote
	StatesEchoed                int // STATE messages the destination echoed
	SourceKilled                bool
	SourceErrors                []string // TRACE ERROR messages of the source
	DestinationErrors           []string // TRACE ERROR messages of the destination
	DestinationLogs             []string // LOG messages of the destination
	// DestinationStopped is true when the destination closed its input before the source ended;
	// the source was then killed (SourceKilled is true too).
	DestinationStopped bool
}

// Run runs the sync to its end. An error means the sync could not be run at all; connector
// failures are in the Result's exit codes and errors.
func (s *Sync) Run(ctx context.Context) (*Result, error) {
	states, err := LoadStates(filepath.Join(s.Dir, StateFile))
	if err != nil {
		return nil, err
	}
	srcArgs := []string{"read", "--config", filepath.Join(s.Dir, SourceConfigFile), "--catalog", filepath.Join(s.Dir, CatalogFile)}
	if len(states) > 0 {
		srcArgs = append(srcArgs, "--state", filepath.Join(s.Dir, StateFile))
	}
	src := exec.CommandContext(ctx, s.Bin.Source, srcArgs...)
	dst := exec.CommandContext(ctx, s.Bin.Destination, "write", "--config", filepath.Join(s.Dir, DestinationConfigFile),
		"--catalog", filepath.Join(s.Dir, CatalogFile))
	stderr := s.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	src.Stderr, dst.Stderr = stderr, stderr
	src.Env = append(os.Environ(), s.Env...)
	dst.Env = src.Env

	// source stdout -> (this process: observe) -> OS pipe -> destination stdin
	srcOut, err := src.StdoutPipe()
	if err != nil {
		return nil, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	dst.Stdin = pr
	dstOut, err := dst.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := dst.Start(); err != nil {
		return nil, fmt.Errorf("start destination: %w", err)
	}
	pr.Close()
	if err := src.Start(); err != nil {
		pw.Close()
		_ = dst.Wait()
		return nil, fmt.Errorf("start source: %w", err)
	}

	res := &Result{}
	var wg sync.WaitGroup
	var copyErr, stateErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer pw.Close()
		copyErr = s.pumpSource(srcOut, pw, src, res)
	}()
	go func() {
		defer wg.Done()
		stateErr = s.readDestination(dstOut, states, res)
	}()
	wg.Wait()
	res.SourceExit = exitCode(src.Wait())
	res.DestinationExit = exitCode(dst.Wait())
	if copyErr != nil {
		return res, copyErr
	}
	return res, stateErr
}

func (s *Sync) pumpSource(r io.Reader, w io.Writer, src *exec.Cmd, res *Result) error {
	sc := Lines(r)
	bw := bufio.NewWriterSize(w, 256<<10)
	for sc.Scan() {
		line := sc.Bytes()
		if s.SourceLine != nil {
			s.SourceLine(line)
		}
		switch MessageType(line) {
		case "RECORD":
			res.Records++
		case "STATE":
			res.StatesEmitted++
		case "TRACE":
			if m := TraceError(line); m != "" {
				res.SourceErrors = append(res.SourceErrors, m)
			}
		}
		if _, err := bw.Write(line); err != nil {
			return s.destinationClosed(err, src, res)
		}
		if err := bw.WriteByte('\n'); err != nil {
			return s.destinationClosed(err, src, res)
		}
		kill := s.KillSourceAfterRecords > 0 && res.Records == s.KillSourceAfterRecords
		if s.KillSourceWhen != nil && !res.SourceKilled && s.KillSourceWhen(line) {
			kill = true
		}
		if kill && !res.SourceKilled {
			res.SourceKilled = true
			_ = src.Process.Signal(syscall.SIGKILL)
			// Keep what the source wrote before it died, as the platform would.
		}
	}
	if err := bw.Flush(); err != nil {
		return s.destinationClosed(err, src, res)
	}
	if err := sc.Err(); err != nil && !res.SourceKilled {
		return fmt.Errorf("read source stdout: %w", err)
	}
	return nil
}

// destinationClosed handles a destination that stopped reading its input (it ended early, for
// instance on refused credentials): as the platform does, the source is stopped, and the
// destination's exit code and TRACE tell what happened.
func (s *Sync) destinationClosed(err error, src *exec.Cmd, res *Result) error {
	if !errors.Is(err, syscall.EPIPE) {
		return fmt.Errorf("pipe to destination: %w", err)
	}
	res.DestinationStopped, res.SourceKilled = true, true
	_ = src.Process.Signal(syscall.SIGKILL)
	return nil
}

func (s *Sync) readDestination(r io.Reader, states map[string]json.RawMessage, res *Result) error {
	sc := Lines(r)
	for sc.Scan() {
		line := sc.Bytes()
		if s.DestinationLine != nil {
			s.DestinationLine(line)
		}
		switch MessageType(line) {
		case "STATE":
			res.StatesEchoed++
			var m struct {
				State json.RawMessage `json:"state"`
			}
			if err := json.Unmarshal(line, &m); err != nil {
				return fmt.Errorf("destination echoed a bad state: %w", err)
			}
			key, err := stateKey(m.State)
			if err != nil {
				return err
			}
			states[key] = append(json.RawMessage(nil), m.State...)
			// Persist at once, as the platform does, so a later crash keeps it.
			if err := SaveStates(filepath.Join(s.Dir, StateFile), states); err != nil {
				return err
			}
		case "TRACE":
			if m := TraceError(line); m != "" {
				res.DestinationErrors = append(res.DestinationErrors, m)
			}
		case "LOG":
			var m struct {
				Log struct{ Message string } `json:"log"`
			}
			if json.Unmarshal(line, &m) == nil {
				res.DestinationLogs = append(res.DestinationLogs, m.Log.Message)
			}
		}
	}
	return sc.Err()
}

// LoadStates reads a state file into the latest state per stream; a missing file is no state.
func LoadStates(path string) (map[string]json.RawMessage, error) {
	states := map[string]json.RawMessage{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return states, nil
	}
	if err != nil {
		return nil, err
	}
	var list []json.RawMessage
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	for _, st := range list {
		key, err := stateKey(st)
		if err != nil {
			return nil, err
		}
		states[key] = st
	}
	return states, nil
}

// ContactsWatermark reads the contacts lastmodifieddate from the state file at path.
func ContactsWatermark(path string) (string, error) {
	states, err := LoadStates(path)
	if err != nil {
		return "", err
	}
	var st struct {
		Stream struct {
			StreamState struct {
				LastModified string `json:"lastmodifieddate"`
			} `json:"stream_state"`
		} `json:"stream"`
	}
	raw, ok := states["/contacts"]
	if !ok {
		return "", fmt.Errorf("no contacts state was saved in %s", path)
	}
	if err := json.Unmarshal(raw, &st); err != nil || st.Stream.StreamState.LastModified == "" {
		return "", fmt.Errorf("the saved contacts state %s has no lastmodifieddate", raw)
	}
	return st.Stream.StreamState.LastModified, nil
}

// SaveStates writes the states as a JSON array sorted by stream, replacing path atomically.
func SaveStates(path string, states map[string]json.RawMessage) error {
	keys := make([]string, 0, len(states))
	for k := range states {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, k := range keys {
		buf.WriteString("  ")
		buf.Write(states[k])
		if i < len(keys)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]\n")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// stateKey is the stream a STREAM state belongs to ("" for global or legacy states).
func stateKey(state json.RawMessage) (string, error) {
	var st struct {
		Stream *struct {
			StreamDescriptor struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"stream_descriptor"`
		} `json:"stream"`
	}
	if err := json.Unmarshal(state, &st); err != nil {
		return "", fmt.Errorf("bad state %s: %w", state, err)
	}
	if st.Stream == nil {
		return "", nil
	}
	return st.Stream.StreamDescriptor.Namespace + "/" + st.Stream.StreamDescriptor.Name, nil
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ExitCode() < 0 {
			return 137 // killed by a signal
		}
		return ee.ExitCode()
	}
	return -1
}
