package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// logsDir is the folder of the output folder that keeps what the connectors said: for each sync
// the messages of each connector but the records (LOG, TRACE and STATE lines, as JSON), and both
// connectors' stderr.
const logsDir = "logs"

// stderrFile, inside logsDir, receives both connectors' stderr for every sync.
const stderrFile = "connectors-stderr.log"

// messageLog keeps one connector's messages of one sync, but the records, in a JSON-lines file.
// Its write is called from one goroutine only (the one reading that connector's stdout).
type messageLog struct {
	path string
	f    *os.File
	w    *bufio.Writer
	err  error
}

func openMessageLog(path string) (*messageLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &messageLog{path: path, f: f, w: bufio.NewWriter(f)}, nil
}

// write keeps line unless it is a RECORD (the records are the data, not the log).
func (l *messageLog) write(line []byte) {
	if l.err != nil || pipeline.MessageType(line) == "RECORD" {
		return
	}
	if _, err := l.w.Write(line); err != nil {
		l.err = err
		return
	}
	l.err = l.w.WriteByte('\n')
}

func (l *messageLog) close() error {
	err := errors.Join(l.err, l.w.Flush(), l.f.Close())
	if err != nil {
		return fmt.Errorf("write %s: %w", l.path, err)
	}
	return nil
}

// syncLogs are the two message logs of one sync: sync-N-source.jsonl and sync-N-destination.jsonl.
type syncLogs struct {
	source, destination *messageLog
}

func openSyncLogs(dir string, n int) (*syncLogs, error) {
	src, err := openMessageLog(filepath.Join(dir, fmt.Sprintf("sync-%d-source.jsonl", n)))
	if err != nil {
		return nil, err
	}
	dst, err := openMessageLog(filepath.Join(dir, fmt.Sprintf("sync-%d-destination.jsonl", n)))
	if err != nil {
		_ = src.close()
		return nil, err
	}
	return &syncLogs{source: src, destination: dst}, nil
}

func (l *syncLogs) close() error { return errors.Join(l.source.close(), l.destination.close()) }
