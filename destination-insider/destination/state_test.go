package destination

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestStateReleaseProperty runs writes over random interleavings of records
// and states of two streams, random batch sizes and windows, and random
// Insider outcomes (whole batches failing for good, single users rejected),
// and checks that:
//   - echoed states keep input order;
//   - a state is echoed exactly when no earlier record of its stream failed;
//   - an echoed state never covers a record that was not accepted or rejected;
//   - its destinationStats count the records since the previous state.
func TestStateReleaseProperty(t *testing.T) {
	t.Parallel()
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			checkStateRelease(t, seed)
		})
	}
}

type propInput struct {
	stream string
	id     string // record uuid; "" for a state
	bad    bool   // record without identifiers (rejected locally)
	seq    int    // state sequence within its stream
}

func checkStateRelease(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	streams := []string{"contacts", "event_signup"}
	var in []propInput
	seqs := map[string]int{}
	for i := range 20 + rng.IntN(60) {
		s := streams[rng.IntN(2)]
		if rng.IntN(4) == 0 {
			seqs[s]++
			in = append(in, propInput{stream: s, seq: seqs[s]})
			continue
		}
		in = append(in, propInput{stream: s, id: fmt.Sprintf("r%d", i), bad: rng.IntN(10) == 0})
	}
	failP, rejectP := rng.IntN(20), rng.IntN(20) // percent

	outcome := map[string]string{} // uuid -> accepted | rejected | failed
	hash := func(s string) int {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d/%s", seed, s)
		return int(h.Sum64() % 100)
	}
	// Insider fails every request holding a failing record (500, retried until the attempts run
	// out) and rejects the rejected records in its answer, accepting the rest.
	f := newInsider(t, fakeinsider.Options{})
	failing := map[string]bool{}
	var lines []string
	for _, m := range in {
		switch {
		case m.id == "" || m.bad:
		case hash("fail/"+m.id) < failP:
			failing[m.id] = true
			f.FailIdentifier(m.id)
		case hash(m.id) < rejectP:
			f.RejectUserBytes(`"uuid":"`+m.id+`"`, "attributes.x", "bad")
		}
		switch {
		case m.id == "":
			lines = append(lines, stateLine(m.stream, m.seq))
		case m.bad:
			outcome[m.id] = "rejected"
			lines = append(lines, recordLine(m.stream, fmt.Sprintf(`{"id":%q,"firstname":"x","contact":{}}`, m.id)))
		case m.stream == "contacts":
			lines = append(lines, recordLine(m.stream, fmt.Sprintf(`{"id":%q,"hs_object_id":%q,"firstname":"x"}`, m.id, m.id)))
		default:
			lines = append(lines, recordLine(m.stream, fmt.Sprintf(`{"id":%q,"occurredAt":"2026-01-02T03:04:05Z","contact":{"hs_object_id":%q}}`, m.id, m.id)))
		}
	}
	cfg := baseConfig(f.URL, func(c map[string]any) {
		c["batch_size"] = 1 + rng.IntN(5)
		c["max_concurrent_requests"] = 1 + rng.IntN(4)
	})
	r := runCmd(t, "write", cfg, lines)
	// Each record's outcome is what Insider answered the last request holding it.
	for _, b := range f.bodies() {
		var req struct{ Users []fakeUser }
		if err := json.Unmarshal(b, &req); err != nil {
			t.Fatal(err)
		}
		failed := false
		for _, u := range req.Users {
			failed = failed || failing[u.Identifiers["uuid"].(string)]
		}
		for _, u := range req.Users {
			id := u.Identifiers["uuid"].(string)
			switch {
			case failed:
				outcome[id] = "failed"
			case hash(id) < rejectP:
				outcome[id] = "rejected"
			default:
				outcome[id] = "accepted"
			}
		}
	}

	// Expected: walk the input per stream.
	type want struct {
		stream             string
		seq, count, reject int
	}
	var expected []want
	poisoned := map[string]bool{}
	count := map[string][2]int{}
	anyFailed := false
	for _, m := range in {
		if m.id != "" {
			c := count[m.stream]
			switch outcome[m.id] {
			case "accepted":
				c[0]++
			case "rejected":
				c[1]++
			default: // failed, or never sent
				poisoned[m.stream] = true
				anyFailed = true
			}
			count[m.stream] = c
			continue
		}
		if !poisoned[m.stream] {
			c := count[m.stream]
			expected = append(expected, want{m.stream, m.seq, c[0], c[1]})
		}
		count[m.stream] = [2]int{}
	}
	var got []want
	for _, s := range r.states {
		st, seq, c, rj := stateInfo(s)
		got = append(got, want{st, seq, c, rj})
	}
	if fmt.Sprint(expected) != fmt.Sprint(got) {
		t.Errorf("seed %d: echoed states\n got %v\nwant %v\noutcomes %v", seed, got, expected, outcome)
	}
	if anyFailed != (r.code != 0) {
		t.Errorf("seed %d: exit code %d, but a record failed: %v; traces %v logs %v", seed, r.code, anyFailed, r.traces, r.logs)
	}
}
