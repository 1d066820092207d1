package authorize

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
)

// credentials is the OAuth credentials block of a source config.
type credentials struct {
	CredentialsTitle string `json:"credentials_title"`
	ClientID         string `json:"client_id"`
	ClientSecret     string `json:"client_secret"`
	RefreshToken     string `json:"refresh_token"`
	TokenURL         string `json:"token_url,omitempty"`
}

// configFields are the members of a source config the flow sets: credentials, and api_base_url
// when --api-base-url was given.
func configFields(o options, secret, refresh string) (map[string]json.RawMessage, error) {
	c := credentials{CredentialsTitle: "OAuth Credentials", ClientID: o.clientID, ClientSecret: secret, RefreshToken: refresh}
	if o.tokenFlag {
		c.TokenURL = o.tokenURL
	}
	out := map[string]json.RawMessage{}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode the credentials: %w", err)
	}
	out["credentials"] = b
	if o.apiBaseURL != "" {
		if out["api_base_url"], err = json.Marshal(o.apiBaseURL); err != nil {
			return nil, fmt.Errorf("encode api_base_url: %w", err)
		}
	}
	return out, nil
}

// encodeConfig is a config holding fields, indented, with a final newline.
func encodeConfig(fields map[string]json.RawMessage) ([]byte, error) {
	b, err := json.MarshalIndent(fields, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode the config: %w", err)
	}
	return append(b, '\n'), nil
}

// writeConfig sets fields in the config file at path: it creates the file with only them, or
// replaces them in an existing config and keeps its other members. The file is replaced whole
// (a temporary file renamed over it) with mode 0600, so a failure leaves the old one intact. A
// file that is not a JSON object is left alone.
func writeConfig(path string, fields map[string]json.RawMessage) error {
	cfg := map[string]json.RawMessage{}
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if json.Unmarshal(old, &cfg) != nil || cfg == nil {
			return fmt.Errorf("%s is not a JSON object, so its credentials cannot be replaced: fix or move it, or pass another --write-config", path)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read %s: %w", path, err)
	}
	maps.Copy(cfg, fields)
	b, err := encodeConfig(cfg)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename it no longer exists
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// checkConfigTarget fails early, before the browser is opened, when writeConfig would fail: the
// file exists and is not a JSON object, or its directory takes no new file.
func checkConfigTarget(path string) error {
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		var cfg map[string]json.RawMessage
		if json.Unmarshal(old, &cfg) != nil || cfg == nil {
			return fmt.Errorf("%s is not a JSON object, so its credentials cannot be replaced: fix or move it, or pass another --write-config", path)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// maxSecretFile bounds what is read of the client secret file.
const maxSecretFile = 64 << 10

// readSecret returns the first line of the secret file (stdin for "-"), trimmed.
func readSecret(path string, stdin io.Reader) (string, error) {
	r := stdin
	name := "stdin"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("read the client secret: %w", err)
		}
		defer f.Close()
		r, name = f, path
	}
	if r == nil {
		return "", fmt.Errorf("read the client secret: no %s", name)
	}
	line, err := bufio.NewReader(io.LimitReader(r, maxSecretFile)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the client secret from %s: %w", name, err)
	}
	secret := strings.TrimSpace(line)
	if secret == "" {
		return "", fmt.Errorf("the client secret in %s is empty: put the client secret from the Auth tab of your HubSpot app on its first line", name)
	}
	return secret, nil
}
