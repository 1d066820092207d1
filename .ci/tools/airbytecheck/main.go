// Command airbytecheck checks connector output for .ci/docker-check. It reads Airbyte messages
// written by the containers, validates every line against the official protocol schema and
// prints one line of findings; a failed check exits 1 with the reason on stderr.
//
//	airbytecheck spec     --schema S FILE           exactly one SPEC (LOG lines allowed)
//	airbytecheck status   --schema S FILE           exactly one CONNECTION_STATUS, SUCCEEDED
//	airbytecheck catalog  --schema S --stream N --out F [--dest-mode M] FILE   CATALOG -> configured catalog
//	airbytecheck field    FILE KEY                  a top-level field of a JSON object, JSON-encoded
//	airbytecheck sync     --schema S --stream N --source F --dest F --dump F --cursor C
//	airbytecheck state    --schema S --stream N --out F FILE   last echoed STATE -> state file
//	airbytecheck rerun    --schema S --stream N --source FIRST [--max-records M] FILE   incremental read checks
//	airbytecheck runnercatalog --schema S --out F FILE  CATALOG -> the configured catalog a third-party
//	                                                runner builds (json_schema {}); prints the other streams
//	airbytecheck states   --schema S --out F FILE   last echoed STATE of every stream -> state file (array)
//	airbytecheck delivered --contacts F --dump F    every contact in Insider, with its valid email
//	airbytecheck destcatalog --schema S --exit N FILE   destination discover: the DESTINATION_CATALOG,
//	                                                or a note when the binary has no discover yet
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "airbytecheck:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("no command; want spec, status, catalog, field, sync, state, states, rerun, runnercatalog, delivered or destcatalog")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	schema := fs.String("schema", "", "path of airbyte_protocol.json")
	stream := fs.String("stream", "contacts", "stream name")
	destMode := fs.String("dest-mode", "append_dedup", "destination_sync_mode for catalog")
	source := fs.String("source", "", "source read output (sync), the first read (rerun)")
	dest := fs.String("dest", "", "destination write output (sync)")
	dump := fs.String("dump", "", "fake Insider profile dump (sync, delivered)")
	cursor := fs.String("cursor", "lastmodifieddate", "key the last STATE must hold (sync)")
	exit := fs.Int("exit", 0, "the connector's exit code (destcatalog)")
	maxRecords := fs.Int("max-records", -1, "most records of the stream the incremental read may send (rerun; -1: fewer than the first)")
	contacts := fs.String("contacts", "", "fakeserve's --hubspot-contacts file (delivered)")
	out := fs.String("out", "", "file to write: the configured catalog (catalog) or state (state)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "field" {
		if fs.NArg() != 2 {
			return errors.New("usage: field FILE KEY")
		}
		return field(fs.Arg(0), fs.Arg(1))
	}
	if args[0] == "delivered" {
		return checkDelivered(*contacts, *dump)
	}
	v, err := newValidator(*schema)
	if err != nil {
		return err
	}
	switch args[0] {
	case "spec":
		return checkSpec(v, fs.Arg(0))
	case "status":
		return checkStatus(v, fs.Arg(0))
	case "catalog":
		return configure(v, fs.Arg(0), *out, *stream, *destMode)
	case "state":
		return saveState(v, fs.Arg(0), *out, *stream)
	case "rerun":
		return checkRerun(v, fs.Arg(0), *source, *stream, *maxRecords)
	case "runnercatalog":
		others, err := runnerCatalog(v, fs.Arg(0), *out)
		for _, name := range others {
			fmt.Println(name)
		}
		return err
	case "states":
		return saveStates(v, fs.Arg(0), *out)
	case "destcatalog":
		return checkDestCatalog(v, fs.Arg(0), *exit)
	case "sync":
		return checkSync(v, syncFiles{source: *source, dest: *dest, dump: *dump}, *stream, *cursor)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// only checks that msgs hold exactly one message of type want and otherwise only LOG lines.
func only(msgs []message, want string) (message, error) {
	var found []message
	for _, m := range msgs {
		switch m.Type {
		case want:
			found = append(found, m)
		case "LOG":
		default:
			return message{}, fmt.Errorf("unexpected %s message besides %s: %.300s", m.Type, want, m.Raw)
		}
	}
	if len(found) != 1 {
		return message{}, fmt.Errorf("want exactly one %s message, got %d (types: %v)", want, len(found), countTypes(msgs))
	}
	return found[0], nil
}

// readOnly reads the messages in path and checks that they are exactly one of type want
// besides LOG lines; it returns that message and the number of LOG lines.
func (v *validator) readOnly(path, want string) (message, int, error) {
	msgs, err := v.readMessages(path)
	if err != nil {
		return message{}, 0, err
	}
	m, err := only(msgs, want)
	return m, len(msgs) - 1, err
}

func checkSpec(v *validator, path string) error {
	m, logs, err := v.readOnly(path, "SPEC")
	if err != nil {
		return err
	}
	var spec struct {
		ConnectionSpecification map[string]any `json:"connectionSpecification"`
	}
	if err := json.Unmarshal(m.Spec, &spec); err != nil || spec.ConnectionSpecification == nil {
		return errors.New("SPEC has no connectionSpecification object")
	}
	fmt.Printf("one valid SPEC message (%d bytes, %d LOG lines)\n", len(m.Raw), logs)
	return nil
}

func checkStatus(v *validator, path string) error {
	m, _, err := v.readOnly(path, "CONNECTION_STATUS")
	if err != nil {
		return err
	}
	if m.ConnectionStatus.Status != "SUCCEEDED" {
		return fmt.Errorf("connection status %s: %s", m.ConnectionStatus.Status, m.ConnectionStatus.Message)
	}
	fmt.Println("CONNECTION_STATUS SUCCEEDED")
	return nil
}

// configure turns the CATALOG of a discover run into a ConfiguredAirbyteCatalog with one stream,
// incremental when the stream supports it, with the source-defined cursor and primary key.
func configure(v *validator, path, out, name, destMode string) error {
	m, _, err := v.readOnly(path, "CATALOG")
	if err != nil {
		return err
	}
	var cat struct {
		Streams []map[string]json.RawMessage `json:"streams"`
	}
	if err := json.Unmarshal(m.Catalog, &cat); err != nil {
		return err
	}
	for _, s := range cat.Streams {
		var meta struct {
			Name       string     `json:"name"`
			Modes      []string   `json:"supported_sync_modes"`
			Cursor     []string   `json:"default_cursor_field"`
			PrimaryKey [][]string `json:"source_defined_primary_key"`
		}
		raw, _ := json.Marshal(s)
		if err := json.Unmarshal(raw, &meta); err != nil || meta.Name != name {
			continue
		}
		cs := map[string]any{"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": destMode,
			"primary_key": meta.PrimaryKey}
		for _, mode := range meta.Modes {
			if mode == "incremental" {
				cs["sync_mode"] = "incremental"
				cs["cursor_field"] = meta.Cursor
			}
		}
		data, err := json.MarshalIndent(map[string]any{"streams": []any{cs}}, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, append(data, '\n'), 0o600); err != nil {
			return err
		}
		var schema struct {
			Properties map[string]any `json:"properties"`
		}
		_ = json.Unmarshal(s["json_schema"], &schema)
		fmt.Printf("%s, %s, %s, %d fields\n", name, cs["sync_mode"], destMode, len(schema.Properties))
		return nil
	}
	return fmt.Errorf("discover has no stream %q (%d streams)", name, len(cat.Streams))
}

// field prints the JSON encoding of key in the JSON object in path.
func field(path, key string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	v, ok := obj[key]
	if !ok || string(v) == "null" || string(v) == `""` {
		return fmt.Errorf("%s has no %q", path, key)
	}
	fmt.Println(string(v))
	return nil
}
