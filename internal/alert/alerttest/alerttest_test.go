package alerttest

import (
	"net/http"
	"strings"
	"testing"
)

func TestWebhookRecordsTexts(t *testing.T) {
	h := New(t)
	if !strings.HasPrefix(h.URL, "http://127.0.0.1:") {
		t.Fatalf("URL = %q, want one on 127.0.0.1", h.URL)
	}
	for _, text := range []string{"first", "second"} {
		resp, err := http.Post(h.URL, "application/json", strings.NewReader(`{"text":"`+text+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := h.Texts(); len(got) != 2 || got[0] != "first" || got[1] != "second" {
		t.Fatalf("texts = %q, want [first second]", got)
	}
}
