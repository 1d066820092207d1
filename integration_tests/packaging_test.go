package integrationtests

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// connectorPackage is one connector folder with its Airbyte packaging: metadata.yaml, icon.svg,
// acceptance-test-config.yml, secrets/ and the docs page docs/<dir>.md.
type connectorPackage struct {
	dir      string // folder at the repository root, also the image and docs page name
	kind     string // source or destination
	specFile string // the connectionSpecification the binary embeds
}

var connectorPackages = []connectorPackage{
	{dir: "source-hubspot", kind: "source", specFile: "source-hubspot/source/spec.json"},
	{dir: "destination-insider", kind: "destination", specFile: "destination-insider/destination/spec.json"},
}

// repoFile is path (relative to the repository root) read from the test's package directory.
func repoFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return b
}

// decodeYAML decodes a YAML file strictly: a key the struct does not know is an error, the way
// Airbyte's metadata schema and acceptance-test config reject unknown keys.
func decodeYAML(t testing.TB, path string, v any) {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(repoFile(t, path)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// metadataFile is the part of Airbyte's ConnectorMetadataDefinitionV0 the packages use.
type metadataFile struct {
	MetadataSpecVersion string `yaml:"metadataSpecVersion"`
	Data                struct {
		ConnectorType          string   `yaml:"connectorType"`
		DefinitionID           string   `yaml:"definitionId"`
		DockerRepository       string   `yaml:"dockerRepository"`
		DockerImageTag         string   `yaml:"dockerImageTag"`
		Name                   string   `yaml:"name"`
		DocumentationURL       string   `yaml:"documentationUrl"`
		GithubIssueLabel       string   `yaml:"githubIssueLabel"`
		Icon                   string   `yaml:"icon"`
		ConnectorSubtype       string   `yaml:"connectorSubtype"`
		License                string   `yaml:"license"`
		ReleaseStage           string   `yaml:"releaseStage"`
		SupportLevel           string   `yaml:"supportLevel"`
		ProtocolVersion        string   `yaml:"protocolVersion"`
		SupportsDataActivation *bool    `yaml:"supportsDataActivation"`
		Tags                   []string `yaml:"tags"`
		AllowedHosts           struct {
			Hosts []string `yaml:"hosts"`
		} `yaml:"allowedHosts"`
		RegistryOverrides map[string]struct {
			Enabled bool `yaml:"enabled"`
		} `yaml:"registryOverrides"`
		ConnectorTestSuitesOptions []struct {
			Suite string `yaml:"suite"`
		} `yaml:"connectorTestSuitesOptions"`
		ExternalDocumentationURLs []struct {
			Title string `yaml:"title"`
			URL   string `yaml:"url"`
			Type  string `yaml:"type"`
		} `yaml:"externalDocumentationUrls"`
	} `yaml:"data"`
}

var (
	uuidRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	semverRE = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
)

// dockerfileDefaults returns the Dockerfile's default VERSION and IMAGE_NAMESPACE build args.
func dockerfileDefaults(t testing.TB) (version, namespace string) {
	t.Helper()
	df := string(repoFile(t, "Dockerfile"))
	arg := func(name string) string {
		m := regexp.MustCompile(`(?m)^ARG ` + name + `=(\S+)$`).FindStringSubmatch(df)
		if m == nil {
			t.Fatalf("Dockerfile has no default for ARG %s", name)
		}
		return m[1]
	}
	return arg("VERSION"), arg("IMAGE_NAMESPACE")
}

// dockerfileStage returns the lines of the Dockerfile stage named stage.
func dockerfileStage(t testing.TB, stage string) string {
	t.Helper()
	df := string(repoFile(t, "Dockerfile"))
	start := regexp.MustCompile(`(?mi)^FROM \S+ AS ` + regexp.QuoteMeta(stage) + `$`).FindStringIndex(df)
	if start == nil {
		t.Fatalf("Dockerfile has no stage %s", stage)
	}
	rest := df[start[1]:]
	if next := regexp.MustCompile(`(?mi)^FROM `).FindStringIndex(rest); next != nil {
		rest = rest[:next[0]]
	}
	return rest
}

// moduleDocsURL is where docs/<name>.md is published: the module path's repository.
func moduleDocsURL(t testing.TB, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^module (\S+)$`).FindStringSubmatch(string(repoFile(t, "go.mod")))
	if m == nil {
		t.Fatal("go.mod has no module line")
	}
	return "https://" + m[1] + "/blob/main/docs/" + name + ".md"
}

// specDefault returns the default of a top-level property of a connectionSpecification.
func specDefault(spec map[string]any, prop string) string {
	props, _ := spec["properties"].(map[string]any)
	p, _ := props[prop].(map[string]any)
	s, _ := p["default"].(string)
	return s
}

func readSpecFile(t testing.TB, path string) map[string]any {
	t.Helper()
	var spec map[string]any
	if err := json.Unmarshal(repoFile(t, path), &spec); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return spec
}

// TestPackagingMetadata checks each metadata.yaml against Airbyte's metadata rules, the
// Dockerfile, the connector's spec and its docs page.
func TestPackagingMetadata(t *testing.T) {
	version, namespace := dockerfileDefaults(t)
	seen := map[string]string{}
	for _, p := range connectorPackages {
		t.Run(p.dir, func(t *testing.T) {
			var md metadataFile
			decodeYAML(t, p.dir+"/metadata.yaml", &md)
			d := md.Data
			check := func(field, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("metadata.yaml %s = %q, want %q", field, got, want)
				}
			}
			check("metadataSpecVersion", md.MetadataSpecVersion, "1.0")
			check("connectorType", d.ConnectorType, p.kind)
			check("dockerRepository", d.DockerRepository, namespace+"/"+p.dir)
			check("dockerImageTag", d.DockerImageTag, version)
			check("documentationUrl", d.DocumentationURL, moduleDocsURL(t, p.dir))
			check("githubIssueLabel", d.GithubIssueLabel, p.dir)
			check("icon", d.Icon, "icon.svg")
			check("connectorSubtype", d.ConnectorSubtype, "api")
			if !uuidRE.MatchString(d.DefinitionID) {
				t.Errorf("definitionId %q is not a lower-case version 4 UUID", d.DefinitionID)
			}
			if other, dup := seen[d.DefinitionID]; dup {
				t.Errorf("definitionId %s is also %s's", d.DefinitionID, other)
			}
			seen[d.DefinitionID] = p.dir
			if !semverRE.MatchString(d.DockerImageTag) {
				t.Errorf("dockerImageTag %q is not a semantic version", d.DockerImageTag)
			}
			if d.Name == "" {
				t.Error("metadata.yaml has no name")
			}
			if !slices.Contains([]string{"MIT", "ELv2"}, d.License) {
				t.Errorf("license %q: Airbyte accepts MIT or ELv2", d.License)
			}
			if !slices.Contains([]string{"alpha", "beta", "generally_available", "custom"}, d.ReleaseStage) {
				t.Errorf("releaseStage %q is not one of alpha, beta, generally_available, custom", d.ReleaseStage)
			}
			if !slices.Contains([]string{"community", "certified", "archived"}, d.SupportLevel) {
				t.Errorf("supportLevel %q is not one of community, certified, archived", d.SupportLevel)
			}
			wantDA := p.kind == "destination"
			if got := d.SupportsDataActivation != nil && *d.SupportsDataActivation; got != wantDA {
				t.Errorf("supportsDataActivation = %v, want %v", got, wantDA)
			}
			spec := readSpecFile(t, p.specFile)
			if u, err := url.Parse(specDefault(spec, "api_base_url")); err != nil || !slices.Contains(d.AllowedHosts.Hosts, u.Hostname()) {
				t.Errorf("allowedHosts %v lacks the host of the spec's default api_base_url %q", d.AllowedHosts.Hosts, specDefault(spec, "api_base_url"))
			}
			if _, err := os.Stat(filepath.Join("..", "docs", p.dir+".md")); err != nil {
				t.Errorf("documentationUrl points at docs/%s.md: %v", p.dir, err)
			}

			stage := dockerfileStage(t, p.dir)
			entry := "/airbyte/bin/" + p.dir
			if !strings.Contains(stage, `ENV AIRBYTE_ENTRYPOINT="`+entry+`"`) {
				t.Errorf("Dockerfile stage %s does not set AIRBYTE_ENTRYPOINT to %s", p.dir, entry)
			}
			if !strings.Contains(stage, `io.airbyte.name="${IMAGE_NAMESPACE}/`+p.dir+`"`) {
				t.Errorf("Dockerfile stage %s labels io.airbyte.name differently from dockerRepository", p.dir)
			}
		})
	}
}

// TestPackagingProtocolVersion checks that metadata.yaml's protocolVersion, when set, is the
// protocol_version the connector's spec command reports.
func TestPackagingProtocolVersion(t *testing.T) {
	for _, p := range connectorPackages {
		t.Run(p.dir, func(t *testing.T) {
			var md metadataFile
			decodeYAML(t, p.dir+"/metadata.yaml", &md)
			conn := sourceHubSpot
			if p.kind == "destination" {
				conn = destinationInsider
			}
			spec := readSpec(t, conn)
			if md.Data.ProtocolVersion != spec.ProtocolVersion {
				t.Errorf("metadata.yaml protocolVersion %q, spec protocol_version %q", md.Data.ProtocolVersion, spec.ProtocolVersion)
			}
		})
	}
}

// TestPackagingIcon checks that each icon.svg is an SVG document with a square viewBox.
func TestPackagingIcon(t *testing.T) {
	for _, p := range connectorPackages {
		t.Run(p.dir, func(t *testing.T) {
			var svg struct {
				XMLName xml.Name
				ViewBox string `xml:"viewBox,attr"`
			}
			if err := xml.Unmarshal(repoFile(t, p.dir+"/icon.svg"), &svg); err != nil {
				t.Fatalf("icon.svg is not XML: %v", err)
			}
			if svg.XMLName.Local != "svg" || svg.XMLName.Space != "http://www.w3.org/2000/svg" {
				t.Errorf("icon.svg root is %v, want an svg element in the SVG namespace", svg.XMLName)
			}
			var x, y, w, h float64
			if n, _ := fmt.Sscanf(svg.ViewBox, "%g %g %g %g", &x, &y, &w, &h); n != 4 || w <= 0 || w != h {
				t.Errorf("icon.svg viewBox %q is not square", svg.ViewBox)
			}
		})
	}
}
