package integrationtests

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// specFieldNames returns every property name of a connectionSpecification, at any depth
// (nested objects, oneOf alternatives, array items), sorted and without duplicates.
func specFieldNames(schema map[string]any) []string {
	names := map[string]bool{}
	var walk func(node map[string]any)
	walk = func(node map[string]any) {
		props, _ := node["properties"].(map[string]any)
		for name, v := range props {
			names[name] = true
			if child, ok := v.(map[string]any); ok {
				walk(child)
			}
		}
		for _, key := range []string{"oneOf", "anyOf", "allOf"} {
			alts, _ := node[key].([]any)
			for _, a := range alts {
				if child, ok := a.(map[string]any); ok {
					walk(child)
				}
			}
		}
		if items, ok := node["items"].(map[string]any); ok {
			walk(items)
		}
	}
	walk(schema)
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

var codeSpanRE = regexp.MustCompile("`([^`]+)`")

// codeNames returns the names a Markdown text writes in code spans: each span, and each
// segment of a dotted path such as `identifier_mappings[].source_field`.
func codeNames(md string) map[string]bool {
	names := map[string]bool{}
	for _, m := range codeSpanRE.FindAllStringSubmatch(md, -1) {
		names[m[1]] = true
		for _, seg := range strings.Split(strings.ReplaceAll(m[1], "[]", ""), ".") {
			names[seg] = true
		}
	}
	return names
}

// markdownSections returns the "## " headings of a Markdown text in order.
func markdownSections(md string) []string {
	var out []string
	for _, line := range strings.Split(md, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			out = append(out, strings.TrimSpace(h))
		}
	}
	return out
}

// changelogTopVersion returns the first cell of the first data row of the table under
// "## Changelog".
func changelogTopVersion(md string) (string, bool) {
	_, after, ok := strings.Cut(md, "\n## Changelog\n")
	if !ok {
		return "", false
	}
	var rows []string
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "|") {
			rows = append(rows, line)
		}
	}
	if len(rows) < 3 || !strings.Contains(rows[1], "---") {
		return "", false
	}
	cells := strings.Split(strings.Trim(rows[2], "|"), "|")
	return strings.TrimSpace(cells[0]), true
}

// TestPackagingDocs checks each docs page: titled with the metadata name, Airbyte's required
// sections in order, every spec field named, and the current version on top of the changelog.
func TestPackagingDocs(t *testing.T) {
	for _, p := range connectorPackages {
		t.Run(p.dir, func(t *testing.T) {
			var md metadataFile
			decodeYAML(t, p.dir+"/metadata.yaml", &md)
			doc := string(repoFile(t, "docs/"+p.dir+".md"))
			if first, _, _ := strings.Cut(doc, "\n"); first != "# "+md.Data.Name {
				t.Errorf("docs/%s.md starts with %q, want the metadata name %q", p.dir, first, "# "+md.Data.Name)
			}
			sections := markdownSections(doc)
			pos := func(name string) int {
				for i, s := range sections {
					if s == name {
						return i
					}
				}
				return -1
			}
			want := []string{"Prerequisites", "Setup guide", "Configuration", "Supported sync modes", "IP allow list", "Troubleshooting", "Changelog"}
			last := -1
			for _, name := range want {
				i := pos(name)
				if i < 0 {
					t.Errorf("docs/%s.md has no section %q (sections: %v)", p.dir, name, sections)
					continue
				}
				if i < last {
					t.Errorf("docs/%s.md section %q is out of order (want %v)", p.dir, name, want)
				}
				last = i
			}
			if len(sections) > 0 && sections[len(sections)-1] != "Changelog" {
				t.Errorf("docs/%s.md: Changelog must be the last section, got %v", p.dir, sections)
			}
			named := codeNames(doc)
			for _, field := range specFieldNames(readSpecFile(t, p.specFile)) {
				if !named[field] {
					t.Errorf("docs/%s.md does not document the spec field `%s`", p.dir, field)
				}
			}
			top, ok := changelogTopVersion(doc)
			if !ok {
				t.Fatalf("docs/%s.md has no changelog table under ## Changelog", p.dir)
			}
			if top != md.Data.DockerImageTag {
				t.Errorf("docs/%s.md changelog starts with %q, want the current version %q", p.dir, top, md.Data.DockerImageTag)
			}
		})
	}
}

// TestPackagingReadme checks that the README's "Run it in Airbyte" section names each image
// with its current tag and display name, and how to load it into abctl's cluster.
func TestPackagingReadme(t *testing.T) {
	readme := string(repoFile(t, "README.md"))
	_, section, ok := strings.Cut(readme, "\n## Run it in Airbyte\n")
	if !ok {
		t.Fatal(`README.md has no "## Run it in Airbyte" section`)
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	if !strings.Contains(section, "kind load docker-image") || !strings.Contains(section, "airbyte-abctl") {
		t.Error("README's Run it in Airbyte section does not say how to load the images into abctl's kind cluster")
	}
	for _, p := range connectorPackages {
		var md metadataFile
		decodeYAML(t, p.dir+"/metadata.yaml", &md)
		image := md.Data.DockerRepository + ":" + md.Data.DockerImageTag
		if !strings.Contains(section, image) {
			t.Errorf("README's Run it in Airbyte section does not name the image %s", image)
		}
		if !strings.Contains(section, md.Data.Name) {
			t.Errorf("README's Run it in Airbyte section does not name the connector %q", md.Data.Name)
		}
	}
}

func TestCodeNamesAndChangelog(t *testing.T) {
	names := codeNames("a `x.y` and `items[].z` and `plain`, not bare")
	for _, n := range []string{"x.y", "x", "y", "items", "z", "plain"} {
		if !names[n] {
			t.Errorf("codeNames misses %q", n)
		}
	}
	if names["bare"] {
		t.Error("codeNames counts a word outside code spans")
	}
	v, ok := changelogTopVersion("x\n## Changelog\n\n| Version | Date |\n|---|---|\n| 1.2.3 | d |\n| 1.2.2 | d |\n")
	if !ok || v != "1.2.3" {
		t.Errorf("changelogTopVersion = %q, %v; want 1.2.3", v, ok)
	}
	if _, ok := changelogTopVersion("no changelog"); ok {
		t.Error("changelogTopVersion found a table that is not there")
	}
}

// markdownLinkRE matches an inline Markdown link or image target: [text](target).
var markdownLinkRE = regexp.MustCompile(`\]\(([^()\s]+)\)`)

// headingSlug is the anchor GitHub gives a heading: lower case, punctuation other than '-' and
// '_' removed, spaces turned into '-'.
func headingSlug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// markdownAnchors returns the anchors of every heading of a Markdown text, outside code blocks.
func markdownAnchors(md string) map[string]bool {
	anchors := map[string]bool{}
	fenced := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		slug := headingSlug(strings.TrimLeft(line, "#"))
		for n, s := 1, slug; ; n, s = n+1, slug+"-"+strconv.Itoa(n) {
			if !anchors[s] {
				anchors[s] = true
				break
			}
		}
	}
	return anchors
}

// TestDocsLinks checks every relative link of the README, CONTRIBUTING.md and docs/: the file it
// names exists, and its #anchor is a heading of that file.
func TestDocsLinks(t *testing.T) {
	pages := []string{"README.md", "CONTRIBUTING.md"}
	docs, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("no docs pages (%v)", err)
	}
	for _, d := range docs {
		pages = append(pages, filepath.ToSlash(strings.TrimPrefix(d, ".."+string(filepath.Separator))))
	}
	for _, page := range pages {
		md := string(repoFile(t, page))
		for _, m := range markdownLinkRE.FindAllStringSubmatch(md, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := page
			if file != "" {
				path = filepath.ToSlash(filepath.Join(filepath.Dir(page), file))
			}
			if _, err := os.Stat(filepath.Join("..", path)); err != nil {
				t.Errorf("%s links to %s, which does not exist", page, target)
				continue
			}
			if anchor != "" && !markdownAnchors(string(repoFile(t, path)))[anchor] {
				t.Errorf("%s links to %s: %s has no heading with the anchor #%s", page, target, path, anchor)
			}
		}
	}
}

// TestReadmeFitsAPage keeps the README short enough for a newcomer to read: at most 2,500 words
// (as wc -w counts them), with a table of contents that links every section.
func TestReadmeFitsAPage(t *testing.T) {
	readme := string(repoFile(t, "README.md"))
	if n := len(strings.Fields(readme)); n > 2500 {
		t.Errorf("README.md has %d words; keep it at most 2,500 and move detail to docs/", n)
	}
	_, contents, ok := strings.Cut(readme, "\n## Contents\n")
	if !ok {
		t.Fatal(`README.md has no "## Contents" section`)
	}
	contents, _, _ = strings.Cut(contents, "\n## ")
	for _, s := range markdownSections(readme) {
		if s != "Contents" && !strings.Contains(contents, "](#"+headingSlug(s)+")") {
			t.Errorf("README.md's contents do not link the section %q", s)
		}
	}
}

func TestHeadingSlug(t *testing.T) {
	for h, want := range map[string]string{
		"Retries: what resumes and what starts over":             "retries-what-resumes-and-what-starts-over",
		"`scripts/sync.sh` for cron":                             "scriptssyncsh-for-cron",
		"Custom behavioral events: `event_<fullyQualifiedName>`": "custom-behavioral-events-event_fullyqualifiedname",
		"airbyte-local-cli (recommended)":                        "airbyte-local-cli-recommended",
	} {
		if got := headingSlug(h); got != want {
			t.Errorf("headingSlug(%q) = %q, want %q", h, got, want)
		}
	}
	if a := markdownAnchors("# A\n## A\n```\n# not a heading\n```\n"); !a["a"] || !a["a-1"] || a["not-a-heading"] {
		t.Errorf("markdownAnchors = %v", a)
	}
}
