package hubspot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodePage(t *testing.T) {
	for _, raw := range []string{
		`{"total":3,"results":[{"id":"1","properties":{"a":"x","b":null},"createdAt":"c","updatedAt":"u","archived":false,"url":"x"},{"id":"2","properties":{},"archived":true}],"paging":{"next":{"after":"2","link":"l"}}}`,
		` { "results" : [ ] } `,
		`{"status":"COMPLETE","results":[{"id":"9","properties":{"e":"a\"b"},"propertiesWithHistory":{"e":[{"value":"v"}]}}],"numErrors":1,"errors":[{"status":"error"}]}`,
		`{"results":[{"id":"1","properties":{"a":"x"}}],"paging":{"prev":{"before":"0"},"next":{"after":"10"}}}`,
		`{"total":1,"results":[{"id":"1\u0031","properties":{"a":"x"}}]}`,
		`{"results":[{"id":"7","properties":{"email":"a@b.c"},"archived":true,"archivedAt":"2026-11-02T03:04:05.678Z"}]}`,
		`{"total":300,"results":[{"id":"1","properties":{}}],"paging":{"next":{"after":200,"link":"l"}}}`,
		`{"results":[],"paging":{"next":{"after":null}}}`,
	} {
		fast, ok := fastPage([]byte(raw))
		var pb pageBody
		if err := json.Unmarshal([]byte(raw), &pb); err != nil {
			t.Fatal(err)
		}
		slow := pb.page()
		if !ok {
			fast, _ = decodePage([]byte(raw))
		}
		if diff := cmp.Diff(normalize(slow), normalize(fast)); diff != "" {
			t.Errorf("%s (-json +fast):\n%s", raw, diff)
		}
	}
}

// normalize compacts raw properties so both decoders compare equal.
func normalize(p *Page) *Page {
	q := *p
	q.Results = append([]Object(nil), p.Results...)
	for i := range q.Results {
		var b bytes.Buffer
		if len(q.Results[i].Properties) > 0 {
			_ = json.Compact(&b, q.Results[i].Properties)
		}
		q.Results[i].Properties = b.Bytes()
	}
	return &q
}

// TestDecodePageNumericAfter: HubSpot has been seen sending the search paging token as a number
// instead of the string it documents; both decoders read it as the same token.
func TestDecodePageNumericAfter(t *testing.T) {
	for _, raw := range []string{
		`{"total":300,"results":[{"id":"1","properties":{}}],"paging":{"next":{"after":200}}}`,
		`{"total":300,"results":[{"id":"1","properties":{}}],"paging":{"next":{"after":"200"}}}`,
		`{"total":300,"results":[{"id":"1","properties":{}}],"paging":{"next":{"after":200}},"x":{"y" 1}}`,
	} {
		p, err := decodePage([]byte(raw))
		if strings.Contains(raw, `"y" 1`) {
			if err == nil {
				t.Errorf("%s: read as %+v, want an error", raw, p)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", raw, err)
		} else if p.NextAfter != "200" {
			t.Errorf("%s: next after %q, want \"200\"", raw, p.NextAfter)
		}
		var pb pageBody
		if err := json.Unmarshal([]byte(raw), &pb); err != nil || pb.page().NextAfter != "200" {
			t.Errorf("%s: encoding/json read next after %q, %v", raw, pb.page().NextAfter, err)
		}
	}
}

func TestDecodePageArchivedAt(t *testing.T) {
	p, err := decodePage([]byte(`{"results":[{"id":"7","properties":{},"archived":true,"archivedAt":"2026-11-02T03:04:05.678Z"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Results[0].ArchivedAt; got != "2026-11-02T03:04:05.678Z" || !p.Results[0].Archived {
		t.Errorf("archivedAt %q archived %v, want the archive time and true", got, p.Results[0].Archived)
	}
}

// TestDecodePageRefusesInvalidJSON: an answer that is not JSON is an error, wherever the fault
// is, also in the parts the fast decoder skips or keeps raw (properties).
func TestDecodePageRefusesInvalidJSON(t *testing.T) {
	for _, raw := range []string{
		`{"results":[{"id":"1","properties":{"a":tru}}]}`,
		`{"results":[{"id":"1","properties":{"a":"x\q"}}]}`,
		`{"results":[{"id":"1","properties":{"a":"x"},"url":[1,}]}`,
		"{\"results\":[{\"id\":\"1\",\"properties\":{\"a\":\"x\ty\"}}]}",
		`{"results":[{"id":"1","properties":{"a":01}}],"paging":{}}`,
		`{"results":[],"extra":{"a" 1}}`,
	} {
		if p, err := decodePage([]byte(raw)); err == nil {
			t.Errorf("%s: read as %+v, want an error", raw, p)
		}
	}
}

func FuzzDecodePage(f *testing.F) {
	f.Add("1", "email", "a@b.com", 3, "10", true, " ")
	f.Add("9\"", "k\u00e9", "\x00\n", -1, "", false, "\n")
	f.Fuzz(func(t *testing.T, id, key, value string, total int, after string, archived bool, ws string) {
		// Any input: no panic.
		_, _ = fastPage([]byte(value))
		// Well-formed answers (as json.Marshal writes them, with arbitrary whitespace): the fast
		// decoder agrees with encoding/json.
		ws = strings.Map(func(r rune) rune {
			if strings.ContainsRune(" \t\r\n", r) {
				return r
			}
			return -1
		}, ws)
		body := map[string]any{"total": total, "results": []map[string]any{
			{"id": id, "properties": map[string]any{key: value, "n": nil}, "archived": archived, "createdAt": value, "x": []int{1}}},
			"paging": map[string]any{"next": map[string]string{"after": after}}}
		raw, _ := json.Marshal(body)
		raw = bytes.ReplaceAll(raw, []byte(","), []byte(","+ws))
		var pb pageBody
		if err := json.Unmarshal(raw, &pb); err != nil {
			return
		}
		fast, ok := fastPage(raw)
		if !ok {
			t.Fatalf("fast decoder refused %s", raw)
		}
		if diff := cmp.Diff(normalize(pb.page()), normalize(fast)); diff != "" {
			t.Fatalf("%s (-json +fast):\n%s", raw, diff)
		}
	})
}

// searchPage renders a page of n contacts with 40 string properties.
func searchPage(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"total":50000,"results":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d","properties":{`, i+1)
		for j := 0; j < 40; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"prop_%02d":"some text value %d with \"quotes\""`, j, i)
		}
		b.WriteString(`},"createdAt":"2024-01-17T19:55:04.281Z","updatedAt":"2024-09-11T13:27:39.356Z","archived":false}`)
	}
	b.WriteString(`],"paging":{"next":{"after":"200"}}}`)
	return b.Bytes()
}

func BenchmarkDecodeSearchPage(b *testing.B) {
	page := searchPage(200)
	b.ReportAllocs()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := decodePage(page); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeSearchPageEncodingJSON(b *testing.B) {
	page := searchPage(200)
	b.ReportAllocs()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		var pb pageBody
		if err := json.Unmarshal(page, &pb); err != nil {
			b.Fatal(err)
		}
	}
}
