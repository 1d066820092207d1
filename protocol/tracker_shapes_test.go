package protocol_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// Lines of each state shape Airbyte sends; every one carries its id in "n".
func streamStateLine(stream string, n int) string {
	return fmt.Sprintf(`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":%q},"stream_state":{"n":%d}}}}`, stream, n)
}

func globalStateLine(n int) string {
	return fmt.Sprintf(`{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"n":%d},"stream_states":[{"stream_descriptor":{"name":"a"},"stream_state":{"n":%d}},{"stream_descriptor":{"name":"b"},"stream_state":{"n":%d}}]}}}`, n, n, n)
}

func legacyStateLine(n int) string {
	return fmt.Sprintf(`{"type":"STATE","state":{"type":"LEGACY","data":{"n":%d}}}`, n)
}

func typelessStateLine(n int) string {
	return fmt.Sprintf(`{"type":"STATE","state":{"data":{"n":%d}}}`, n)
}

// stateID reads the "n" of an echoed state of any shape.
func stateID(t *testing.T, st *protocol.State) int {
	t.Helper()
	raw := st.Data
	switch {
	case st.Stream != nil:
		raw = st.Stream.StreamState
	case st.Global != nil:
		raw = st.Global.SharedState
	}
	var v struct{ N int }
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("state %s: %v", raw, err)
	}
	return v.N
}

// step is one input message: a record of stream with its outcome, or a state line.
type step struct {
	stream string
	result outcome
	state  string
}

func rec(stream string, r outcome) step { return step{stream: stream, result: r} }
func state(line string) step            { return step{state: line} }

// runSteps registers the steps in order, resolves every record afterwards (last first, so
// outcomes arrive out of order), and returns the ids of the echoed states.
func runSteps(t *testing.T, steps []step) []int {
	t.Helper()
	var out bytes.Buffer
	w := protocol.NewWriter(&out, nil)
	tr := protocol.NewStateTracker(w)
	var pending []pendingRec
	for _, s := range steps {
		if s.state != "" {
			if err := tr.State(inState(t, []byte(s.state))); err != nil {
				t.Fatal(err)
			}
			continue
		}
		pending = append(pending, pendingRec{tr.Record(protocol.StreamDescriptor{Name: s.stream}), s.result})
	}
	slices.Reverse(pending)
	for _, p := range pending {
		if err := settle(tr, p.ref, p.res); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	protocoltest.ValidateOutput(t, out.Bytes())
	var ids []int
	for _, m := range protocoltest.Messages(t, out.Bytes()) {
		ids = append(ids, stateID(t, m.State))
	}
	return ids
}

// TestStateTrackerHeldBackEveryShape checks the held-back rule for each state shape: once a
// record failed, no later state covering it is echoed.
func TestStateTrackerHeldBackEveryShape(t *testing.T) {
	allStreams := []struct {
		shape string
		line  func(int) string
	}{{"GLOBAL", globalStateLine}, {"LEGACY", legacyStateLine}, {"typeless", typelessStateLine}}
	type tc struct {
		name  string
		steps []step
		want  []int
	}
	cases := []tc{{
		name: "STREAM: later states of the failed stream are held, other streams go on",
		steps: []step{
			rec("a", commit), rec("a", fail), state(streamStateLine("a", 1)),
			rec("b", commit), state(streamStateLine("b", 2)),
			rec("a", commit), state(streamStateLine("a", 3)),
			state(streamStateLine("a", 4)),
			rec("b", commit), state(streamStateLine("b", 5)),
		},
		want: []int{2, 5},
	}, {
		name: "STREAM: a later failure holds its own window only from there on",
		steps: []step{
			rec("a", commit), state(streamStateLine("a", 1)),
			rec("a", fail), state(streamStateLine("a", 2)),
			rec("a", commit), state(streamStateLine("a", 3)),
		},
		want: []int{1},
	}}
	for _, sh := range allStreams {
		cases = append(cases, tc{
			name: sh.shape + ": a failure holds back every later state, with or without records after it",
			steps: []step{
				rec("a", commit), state(sh.line(1)),
				rec("a", fail), rec("b", commit), state(sh.line(2)),
				rec("b", commit), state(sh.line(3)),
				state(sh.line(4)),
				rec("a", commit), state(sh.line(5)),
			},
			want: []int{1},
		}, tc{
			name: sh.shape + ": no failure echoes every state",
			steps: []step{
				rec("a", commit), state(sh.line(1)), state(sh.line(2)),
				rec("b", reject), state(sh.line(3)),
			},
			want: []int{1, 2, 3},
		}, tc{
			name: sh.shape + " after a STREAM state whose record fails later",
			steps: []step{
				rec("a", fail), state(streamStateLine("a", 1)),
				rec("b", commit), state(sh.line(2)),
				state(sh.line(3)),
			},
			want: nil,
		}, tc{
			name: "STREAM states of other streams after a failed " + sh.shape,
			steps: []step{
				rec("a", fail), state(sh.line(1)),
				rec("c", commit), state(streamStateLine("c", 2)),
			},
			want: []int{2},
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := runSteps(t, c.steps); !slices.Equal(got, c.want) {
				t.Errorf("echoed states %v, want %v", got, c.want)
			}
		})
	}
}

// TestStateTrackerGlobalProperty drives random runs of records of three streams and states of
// one all-stream shape: a state is echoed exactly when no record before it failed.
func TestStateTrackerGlobalProperty(t *testing.T) {
	lines := []func(int) string{globalStateLine, legacyStateLine, typelessStateLine}
	for seed := uint64(0); seed < 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		line := lines[seed%3]
		var steps []step
		var want []int
		failed := false
		for i := range 60 {
			if rng.IntN(4) == 0 {
				steps = append(steps, state(line(i)))
				if !failed {
					want = append(want, i)
				}
				continue
			}
			r := commit
			switch n := rng.IntN(100); {
			case n < 4:
				r, failed = fail, true
			case n < 20:
				r = reject
			}
			steps = append(steps, rec([]string{"a", "b", "c"}[rng.IntN(3)], r))
		}
		if got := runSteps(t, steps); !slices.Equal(got, want) {
			t.Fatalf("seed %d: echoed %v, want %v", seed, got, want)
		}
	}
}
