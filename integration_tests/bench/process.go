package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Usage is what one connector process cost, from the kernel's accounting of it.
type Usage struct {
	Name     string        // "source" or "destination"
	Wall     time.Duration // from start to exit
	CPU      time.Duration // user + system time
	MaxRSSKB int64         // peak resident set size in KB (Linux reports ru_maxrss in KB)
	Exit     int
}

// MaxRSSMB is the peak RSS in MB.
func (u Usage) MaxRSSMB() float64 { return float64(u.MaxRSSKB) / 1024 }

// CPUPer100k is the CPU seconds the process spent per 100,000 records.
func (u Usage) CPUPer100k(records int64) float64 {
	if records <= 0 {
		return 0
	}
	return u.CPU.Seconds() * 100000 / float64(records)
}

// PerCPUSecond is the records the process moved per second of CPU: its throughput when it has
// one core to itself and nothing else (the fakes, other processes) waits.
func (u Usage) PerCPUSecond(records int64) float64 {
	if u.CPU <= 0 {
		return 0
	}
	return float64(records) / u.CPU.Seconds()
}

// child is a started connector process.
type child struct {
	name   string
	cmd    *exec.Cmd
	report *os.File
	start  time.Time
}

// startChild starts cmd under a launcher and notes the time.
func startChild(name string, cmd *exec.Cmd) (*child, error) {
	if _, err := launched(cmd); err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{w}
	start := time.Now()
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return &child{name: name, cmd: cmd, report: r, start: start}, nil
}

// wait waits for the process and reads its resource usage. A non-zero exit is not an error
// here: it is in Usage.Exit, for the caller to report with the connector's own messages.
func (c *child) wait() (Usage, error) {
	defer c.report.Close()
	_ = c.cmd.Wait() // the launcher's exit mirrors the connector's, which the report holds
	wall := time.Since(c.start)
	u, err := readReport(c.report, c.name)
	u.Wall = wall
	return u, err
}

// selfCPU is this process's CPU time so far (the fakes' work, and reading the connectors' output).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
