package integrationtests

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/insider-hubspot/connectors/protocol"
)

// catConfig is the part of Airbyte's acceptance-test-config.yml the packages use.
type catConfig struct {
	ConnectorImage      string `yaml:"connector_image"`
	TestStrictnessLevel string `yaml:"test_strictness_level"`
	AcceptanceTests     map[string]struct {
		BypassReason string    `yaml:"bypass_reason"`
		Tests        []catTest `yaml:"tests"`
	} `yaml:"acceptance_tests"`
}

type catTest struct {
	SpecPath              string `yaml:"spec_path"`
	ConfigPath            string `yaml:"config_path"`
	Status                string `yaml:"status"`
	ConfiguredCatalogPath string `yaml:"configured_catalog_path"`
	ExpectRecords         *struct {
		Path         string `yaml:"path"`
		BypassReason string `yaml:"bypass_reason"`
	} `yaml:"expect_records"`
	FutureState *struct {
		FutureStatePath string `yaml:"future_state_path"`
	} `yaml:"future_state"`
}

// secretValues returns the values of the keys named in secret, anywhere in a config.
func secretValues(v any, secret map[string]bool) []string {
	var out []string
	switch n := v.(type) {
	case map[string]any:
		for k, child := range n {
			if s, ok := child.(string); ok && secret[k] {
				out = append(out, k+"="+s)
			}
			out = append(out, secretValues(child, secret)...)
		}
	case []any:
		for _, child := range n {
			out = append(out, secretValues(child, secret)...)
		}
	}
	return out
}

// TestPackagingAcceptanceConfig checks each acceptance-test-config.yml: the image, the suites
// Airbyte runs for the connector type, files that exist, a spec file equal to what the connector
// prints (TestBinarySmoke checks that the binary prints the same), and connection configs that
// check answers as the file says (run against the fakes).
func TestPackagingAcceptanceConfig(t *testing.T) {
	hs := startAcceptanceHubSpot(t)
	in := startAcceptanceInsider(t)
	// The only credentials a committed config may hold: the fakes' own, and the deliberately
	// wrong values of the invalid configs.
	fakeSecrets := map[string]bool{
		hs.Options().ClientSecret: true, hs.Options().RefreshToken: true, hs.Options().PrivateAppToken: true,
		in.Options().APIKey: true, "revoked-or-mistyped-refresh-token": true, "wrong-test-api-key": true,
	}
	for _, p := range connectorPackages {
		t.Run(p.dir, func(t *testing.T) {
			var md metadataFile
			decodeYAML(t, p.dir+"/metadata.yaml", &md)
			var cat catConfig
			decodeYAML(t, p.dir+"/acceptance-test-config.yml", &cat)
			if want := md.Data.DockerRepository + ":dev"; cat.ConnectorImage != want {
				t.Errorf("connector_image %q, want %q", cat.ConnectorImage, want)
			}
			var suites []string
			for name := range cat.AcceptanceTests {
				suites = append(suites, name)
			}
			sort.Strings(suites)
			want := []string{"connection", "spec"}
			conn, fakeURL := destinationInsider, in.URL
			if p.kind == "source" {
				want = []string{"basic_read", "connection", "discovery", "incremental", "spec"}
				conn, fakeURL = sourceHubSpot, hs.URL
			}
			if !slices.Equal(suites, want) {
				t.Errorf("acceptance_tests suites %v, want %v", suites, want)
			}
			base := filepath.Join("..", p.dir)
			exists := func(field, path string) {
				t.Helper()
				if path == "" {
					t.Errorf("%s is empty", field)
				} else if _, err := os.Stat(filepath.Join(base, path)); err != nil {
					t.Errorf("%s %s: %v", field, path, err)
				}
			}
			spec := readSpecFile(t, p.specFile)
			secret := protocol.SecretNames(spec)
			validator := compileSpec(t, p.specFile)
			statuses := map[string]int{}
			for suite, s := range cat.AcceptanceTests {
				if len(s.Tests) == 0 {
					t.Errorf("suite %s has no tests", suite)
				}
				for _, tc := range s.Tests {
					exists(suite+" config_path", tc.ConfigPath)
					if tc.ConfiguredCatalogPath != "" {
						exists(suite+" configured_catalog_path", tc.ConfiguredCatalogPath)
					}
					if tc.ExpectRecords != nil && tc.ExpectRecords.Path == "" && tc.ExpectRecords.BypassReason == "" {
						t.Errorf("%s expect_records needs a path or a bypass_reason", suite)
					} else if tc.ExpectRecords != nil && tc.ExpectRecords.Path != "" {
						exists(suite+" expect_records.path", tc.ExpectRecords.Path)
					}
					if tc.FutureState != nil {
						exists(suite+" future_state_path", tc.FutureState.FutureStatePath)
					}
					if suite == "spec" {
						exists("spec_path", tc.SpecPath)
						checkSpecFile(t, filepath.Join(base, tc.SpecPath), readSpec(t, conn))
					}
					if tc.ConfigPath == "" {
						continue
					}
					config := readJSONFile(t, filepath.Join(base, tc.ConfigPath))
					checkCommittedConfig(t, tc.ConfigPath, config, validator, secret, fakeSecrets)
					if suite == "connection" {
						statuses[tc.Status]++
						checkConnection(t, conn, tc, config, fakeURL)
					}
				}
			}
			if statuses["succeed"] == 0 || statuses["failed"] == 0 {
				t.Errorf("connection tests by status %v: want at least one succeed and one failed", statuses)
			}
		})
	}
}

func readJSONFile(t testing.TB, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func compileSpec(t testing.TB, specFile string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	if err := c.AddResource("spec.json", bytes.NewReader(repoFile(t, specFile))); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("spec.json")
	if err != nil {
		t.Fatalf("compile %s: %v", specFile, err)
	}
	return s
}

// checkSpecFile compares the spec file CAT expects with the SPEC the connector prints.
func checkSpecFile(t testing.TB, path string, got *protocol.Spec) {
	t.Helper()
	want := readJSONFile(t, path)
	raw, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var actual map[string]any
	if err := json.Unmarshal(raw, &actual); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(actual, want) {
		t.Errorf("%s differs from the SPEC the connector prints; regenerate it:\n"+
			"  go run ./<connector> spec | jq .spec > <connector>/integration_tests/spec.json", path)
	}
}

// checkCommittedConfig checks that a committed config is valid for the spec, points only at a
// loopback fake, and holds no credentials but the fakes'.
func checkCommittedConfig(t testing.TB, name string, config map[string]any, v *jsonschema.Schema, secret, fakeSecrets map[string]bool) {
	t.Helper()
	if err := v.Validate(config); err != nil {
		t.Errorf("%s does not validate against the spec: %v", name, err)
	}
	raw, _ := config["api_base_url"].(string)
	if u, err := url.Parse(raw); err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" {
		t.Errorf("%s api_base_url %q: a committed config must point at the loopback fake", name, raw)
	}
	for _, kv := range secretValues(config, secret) {
		if _, value, _ := strings.Cut(kv, "="); !fakeSecrets[value] {
			t.Errorf("%s holds %s, which is not a fake's credential: never commit real secrets", name, strings.SplitN(kv, "=", 2)[0])
		}
	}
}

// checkConnection runs check with the config pointed at the in-process fake and compares the
// status with the one the acceptance test expects.
func checkConnection(t testing.TB, c connector, tc catTest, config map[string]any, fakeURL string) {
	t.Helper()
	want := map[string]protocol.Status{"succeed": protocol.StatusSucceeded, "failed": protocol.StatusFailed}[tc.Status]
	if want == "" {
		t.Errorf("connection %s: status %q, want succeed or failed", tc.ConfigPath, tc.Status)
		return
	}
	config["api_base_url"] = fakeURL
	path := writeJSON(t, t.TempDir(), "config.json", config)
	res := c.run(t, nil, "check", "--config", path)
	for _, m := range res.Msgs {
		if m.Type == protocol.TypeConnectionStatus {
			if m.ConnectionStatus.Status != want {
				t.Errorf("check with %s answered %s (%s), acceptance-test-config.yml expects %s",
					tc.ConfigPath, m.ConnectionStatus.Status, m.ConnectionStatus.Message, want)
			}
			return
		}
	}
	t.Errorf("check with %s printed no CONNECTION_STATUS (exit %d)", tc.ConfigPath, res.Exit)
}
