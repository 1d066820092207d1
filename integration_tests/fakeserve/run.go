package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// Info is what --info receives once both servers listen.
type Info struct {
	HubSpotURL   string `json:"hubspot_url"`
	InsiderURL   string `json:"insider_url"`
	AccessToken  string `json:"access_token"`
	PartnerName  string `json:"partner_name"`
	APIKey       string `json:"api_key"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RefreshToken string `json:"refresh_token"`
	PortalID     int64  `json:"portal_id"`
	Contacts     int    `json:"contacts"`
	Events       int    `json:"events"`
}

type config struct {
	contacts, events         int
	seed                     uint64
	hubspotAddr, insiderAddr string
	infoPath, dumpPath       string
	contactsPath             string
	partner, apiKey          string
	indexLag                 time.Duration
	rateLimits, invalid      bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("fakeserve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.contacts, "contacts", 2000, "number of generated HubSpot contacts")
	fs.IntVar(&c.events, "events", -1, "number of generated event occurrences (default contacts/2)")
	fs.Uint64Var(&c.seed, "seed", 1, "data generator seed")
	fs.StringVar(&c.hubspotAddr, "hubspot-addr", "127.0.0.1:0", "listen address of the fake HubSpot")
	fs.StringVar(&c.insiderAddr, "insider-addr", "127.0.0.1:0", "listen address of the fake Insider")
	fs.StringVar(&c.infoPath, "info", "", "write URLs and credentials as JSON here once listening")
	fs.StringVar(&c.dumpPath, "dump", "", "write the fake Insider's profiles as JSON here on SIGTERM/SIGINT")
	fs.StringVar(&c.contactsPath, "hubspot-contacts", "", "write the generated HubSpot contacts (id and email) as JSON here before serving")
	fs.StringVar(&c.partner, "partner-name", "testpartner", "Insider partner name to accept")
	fs.StringVar(&c.apiKey, "api-key", "test-api-key", "Insider API key to accept")
	fs.DurationVar(&c.indexLag, "index-lag", 0, "HubSpot search index lag")
	fs.BoolVar(&c.rateLimits, "rate-limits", true, "enforce HubSpot rate limits (5 searches/s, 100 calls/10 s) with 429s")
	fs.BoolVar(&c.invalid, "invalid-identifiers", true, "generate some invalid emails and phones")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.contacts < 0 {
		return c, fmt.Errorf("--contacts must be >= 0, got %d", c.contacts)
	}
	if c.events < 0 {
		c.events = c.contacts / 2
	}
	return c, nil
}

// listenOn replaces the listener of an unstarted httptest server with one on addr.
func listenOn(srvListener *net.Listener, addr string) error {
	l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	_ = (*srvListener).Close()
	*srvListener = l
	return nil
}

// run starts both fakes, writes --info, serves until ctx ends, then writes --dump. ready, when
// not nil, is called with the info once the servers listen.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(Info)) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	hs := fakehubspot.NewUnstarted(fakehubspot.Options{IndexLag: c.indexLag, RateLimits: c.rateLimits})
	if err := listenOn(&hs.HTTPServer().Listener, c.hubspotAddr); err != nil {
		return err
	}
	in := fakeinsider.NewUnstarted(fakeinsider.Options{PartnerName: c.partner, APIKey: c.apiKey})
	if err := listenOn(&in.HTTPServer().Listener, c.insiderAddr); err != nil {
		_ = hs.HTTPServer().Listener.Close()
		return err
	}
	loadData(hs, c, now)
	if c.contactsPath != "" {
		if err := writeJSONFile(c.contactsPath, func(w io.Writer) error { return json.NewEncoder(w).Encode(contactList(hs)) }); err != nil {
			_ = hs.HTTPServer().Listener.Close()
			_ = in.HTTPServer().Listener.Close()
			return err
		}
	}
	hs.Start()
	defer hs.Close()
	in.Start()
	defer in.Close()
	o := hs.Options()
	info := Info{HubSpotURL: hs.URL, InsiderURL: in.URL, AccessToken: o.PrivateAppToken, PartnerName: c.partner,
		APIKey: c.apiKey, ClientID: o.ClientID, ClientSecret: o.ClientSecret, RefreshToken: o.RefreshToken,
		PortalID: o.PortalID, Contacts: hs.ContactCount(), Events: len(hs.Events())}
	if c.infoPath != "" {
		if err := writeJSONFile(c.infoPath, func(w io.Writer) error { return json.NewEncoder(w).Encode(info) }); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "fakeserve: hubspot %s insider %s (%d contacts, %d events)\n", hs.URL, in.URL, info.Contacts, info.Events)
	if ready != nil {
		ready(info)
	}
	<-ctx.Done()
	if c.dumpPath != "" {
		if err := writeJSONFile(c.dumpPath, in.DumpJSON); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "fakeserve: wrote %d profiles to %s\n", in.ProfileCount(), c.dumpPath)
	}
	return nil
}

// loadData fills the fake HubSpot with generated contacts (last two years, up to an hour ago)
// and events (last 60 days).
func loadData(hs *fakehubspot.Server, c config, now time.Time) {
	opts := datagen.Options{Seed: c.seed, Count: c.contacts}
	if !c.invalid {
		opts.InvalidEmailShare, opts.InvalidPhoneShare = -1, -1
	}
	datagen.FillPortal(hs, opts, c.events, now)
}

// ContactEntry is one generated HubSpot contact as --hubspot-contacts lists it: its id and its
// email property as HubSpot holds it (absent or invalid for some contacts).
type ContactEntry struct {
	ID    string `json:"id"`
	Email string `json:"email,omitempty"`
}

// contactList lists the fake HubSpot's contacts in id order.
func contactList(hs *fakehubspot.Server) []ContactEntry {
	ids := hs.ContactIDs()
	out := make([]ContactEntry, 0, len(ids))
	for _, id := range ids {
		c, ok := hs.Contact(id)
		if !ok {
			continue
		}
		out = append(out, ContactEntry{ID: strconv.FormatInt(id, 10), Email: c.Properties["email"]})
	}
	return out
}

// writeJSONFile writes through a temporary file and renames it, so readers never see half a file.
func writeJSONFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fakeserve-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
