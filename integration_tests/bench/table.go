package main

import (
	"fmt"
	"io"
	"strings"
)

// printResults writes the machine, the table of rows, the target checks and the realistic
// sync as Markdown.
func printResults(w io.Writer, res *Results) {
	m := res.Machine
	fmt.Fprintf(w, "Machine: %d CPUs, %s; load average %s before, %s after (1, 5, 15 min)\n\n", m.CPUs, m.GoVersion, m.LoadBefore, m.LoadAfter)
	if len(res.Rows) > 0 {
		printTable(w, res.Rows)
	}
	if len(res.Checks) > 0 {
		fmt.Fprintf(w, "\n| target | measured | met |\n|---|---|---|\n")
		for _, c := range res.Checks {
			met := "yes"
			if !c.Met {
				met = "**no**"
			}
			fmt.Fprintf(w, "| %s | %s | %s |\n", c.Target, c.Measured, met)
		}
	}
	for _, r := range res.Realistic {
		printRealistic(w, r)
	}
}

// printTable writes one line per measured step.
func printTable(w io.Writer, rows []Row) {
	fmt.Fprintln(w, "| contacts | step | records | wall s | records/s | CPU s per 100k records | records/s per CPU-second | peak RSS MB | "+
		"HubSpot req per 1k (searches) | Insider req per 1k (upserts) | rejected | fakes' CPU s per 100k |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---|---|---|---|---|---:|---:|")
	for _, r := range rows {
		n := float64(max(r.Contacts, 1))
		fmt.Fprintf(w, "| %d | %s | %d | %.2f | %.0f | %s | %s | %s | %.2f (%d) | %.2f (%d) | %s | %.2f |\n",
			r.Contacts, r.Step, r.Records, r.Wall.Seconds(), r.RecordsPerSecond(),
			perProc(r.Procs, func(u Usage) string { return fmt.Sprintf("%.2f", u.CPUPer100k(r.Records)) }),
			perProc(r.Procs, func(u Usage) string { return fmt.Sprintf("%.0f", u.PerCPUSecond(r.Records)) }),
			perProc(r.Procs, func(u Usage) string { return fmt.Sprintf("%.1f", u.MaxRSSMB()) }),
			float64(r.HubSpotRequests)*1000/n, r.Searches, float64(r.Upserts)*1000/n, r.Upserts, rejected(r),
			Usage{CPU: r.BenchCPU}.CPUPer100k(r.Records))
	}
}

// perProc shows one value, or "src x + dst y" for a piped step.
func perProc(ps []Usage, f func(Usage) string) string {
	if len(ps) == 1 {
		return f(ps[0])
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = shortName(p.Name) + " " + f(p)
	}
	return strings.Join(parts, ", ")
}

func shortName(proc string) string {
	switch proc {
	case "source":
		return "src"
	case "destination":
		return "dst"
	}
	return proc
}

func rejected(r Row) string {
	if r.Step == stepSource {
		return "-"
	}
	return fmt.Sprint(r.Rejected)
}
