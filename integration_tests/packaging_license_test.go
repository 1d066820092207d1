package integrationtests

import (
	"strings"
	"testing"
)

// TestLicenseMatchesMetadata: the license each metadata.yaml declares is the one the repository
// ships in LICENSE, so the registry entry never promises terms the code does not carry.
func TestLicenseMatchesMetadata(t *testing.T) {
	first, _, _ := strings.Cut(string(repoFile(t, "LICENSE")), "\n")
	for _, p := range connectorPackages {
		var md metadataFile
		decodeYAML(t, p.dir+"/metadata.yaml", &md)
		if want := md.Data.License + " License"; first != want {
			t.Errorf("%s/metadata.yaml declares license %q but LICENSE starts with %q", p.dir, md.Data.License, first)
		}
	}
}
