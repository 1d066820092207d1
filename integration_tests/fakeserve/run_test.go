package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunServesAndDumps(t *testing.T) {
	dir := t.TempDir()
	infoPath, dumpPath := filepath.Join(dir, "urls.json"), filepath.Join(dir, "profiles.json")
	contactsPath := filepath.Join(dir, "contacts.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	readyc := make(chan Info, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--contacts", "300", "--seed", "5", "--info", infoPath, "--dump", dumpPath, "--hubspot-contacts", contactsPath},
			io.Discard, func(i Info) { readyc <- i })
	}()
	var info Info
	select {
	case info = <-readyc:
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	}
	var fromFile Info
	b, err := os.ReadFile(infoPath)
	if err != nil || json.Unmarshal(b, &fromFile) != nil || fromFile != info {
		t.Fatalf("info file %s: %v", b, err)
	}
	if info.Contacts != 300 || info.Events != 150 || !strings.HasPrefix(info.HubSpotURL, "http://127.0.0.1:") {
		t.Fatalf("info %+v", info)
	}
	var contacts []ContactEntry
	if b, err := os.ReadFile(contactsPath); err != nil || json.Unmarshal(b, &contacts) != nil {
		t.Fatalf("contacts file %.200s: %v", b, err)
	}
	emails := 0
	for _, c := range contacts {
		if c.ID == "" {
			t.Fatalf("contacts file lists a contact without id: %+v", c)
		}
		if c.Email != "" {
			emails++
		}
	}
	if len(contacts) != 300 || emails < 250 {
		t.Fatalf("contacts file lists %d contacts, %d with an email; want 300, most with one", len(contacts), emails)
	}
	req, _ := http.NewRequest("GET", info.HubSpotURL+"/crm/objects/2026-09/contacts?limit=5", nil)
	req.Header.Set("Authorization", "Bearer "+info.AccessToken)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("hubspot: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	body := `{"users":[{"identifiers":{"email":"demo@example.com"},"attributes":{"name":"Demo"}}]}`
	req, _ = http.NewRequest("POST", info.InsiderURL+"/api/user/v1/upsert", bytes.NewReader([]byte(body)))
	req.Header.Set("X-PARTNER-NAME", info.PartnerName)
	req.Header.Set("X-REQUEST-TOKEN", info.APIKey)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("insider: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	dump, err := os.ReadFile(dumpPath)
	if err != nil || !strings.Contains(string(dump), `"email": "demo@example.com"`) {
		t.Fatalf("dump: %s %v", dump, err)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--contacts", "-1"}, {"--nope"}, {"extra"}, {"--hubspot-addr", "256.0.0.1:99999"}} {
		if err := run(context.Background(), args, io.Discard, nil); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
