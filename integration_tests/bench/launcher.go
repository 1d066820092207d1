package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// launcherEnv, when set, makes this program a launcher: it runs the command of its arguments
// and reports that command's resource usage on file descriptor 3.
//
// Why: Go starts a child with clone(CLONE_VM|CLONE_VFORK), and when the child calls exec Linux
// keeps the peak RSS of the memory it shared until then, which is this process's. The child's
// ru_maxrss would then be the bench's own peak (gigabytes with a million contacts in the
// fake), not the connector's. A freshly started launcher is a few MB, so a connector started
// from it reports its own peak.
const launcherEnv = "CONNECTORS_BENCH_LAUNCHER"

// launchReport is what the launcher writes on fd 3.
type launchReport struct {
	UserNS, SysNS int64
	MaxRSSKB      int64
	Exit          int
	Err           string
}

// isLauncher reports whether this process was started as a launcher.
func isLauncher() bool { return os.Getenv(launcherEnv) != "" }

// launcherMain runs os.Args[1:] with this process's stdin, stdout and stderr, writes its usage
// on fd 3 and returns its exit code.
func launcherMain() int {
	report := os.NewFile(3, "usage-report")
	rep := launchReport{Exit: 1}
	defer func() {
		_ = json.NewEncoder(report).Encode(rep)
		report.Close()
	}()
	if len(os.Args) < 2 {
		rep.Err = "launcher: no command"
		return rep.Exit
	}
	cmd := exec.CommandContext(context.Background(), os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // dies with the launcher
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		rep.Exit = 0
	case errors.As(err, &ee):
		rep.Exit = ee.ExitCode()
		if rep.Exit < 0 {
			rep.Exit = 137 // killed by a signal
		}
	default:
		rep.Err = err.Error()
		return rep.Exit
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rep.UserNS, rep.SysNS, rep.MaxRSSKB = ru.Utime.Nano(), ru.Stime.Nano(), ru.Maxrss
	}
	return rep.Exit
}

// launched wraps cmd so that it runs under a launcher (this executable started again with
// launcherEnv set). Call before setting the command's stdio or pipes.
func launched(cmd *exec.Cmd) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the bench executable to launch connectors with: %w", err)
	}
	cmd.Args = append([]string{self, cmd.Path}, cmd.Args[1:]...)
	cmd.Path = self
	cmd.Env = append(os.Environ(), launcherEnv+"=1")
	return cmd, nil
}

// readReport reads a launcher's report once it has exited.
func readReport(r *os.File, name string) (Usage, error) {
	var rep launchReport
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return Usage{}, fmt.Errorf("%s: no usage report from the launcher: %w", name, err)
	}
	if rep.Err != "" {
		return Usage{}, fmt.Errorf("%s: %s", name, rep.Err)
	}
	return Usage{Name: name, CPU: time.Duration(rep.UserNS + rep.SysNS), MaxRSSKB: rep.MaxRSSKB, Exit: rep.Exit}, nil
}
