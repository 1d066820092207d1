package insider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// CustomPrefix is the prefix Insider's metadata puts before the system name of a custom
// attribute (c_lifecycle_stage); upserts name the attribute without it.
const CustomPrefix = "c_"

// Column is one attribute definition of Insider's contacts table metadata.
type Column struct {
	Key         string `json:"key"`
	DisplayName string `json:"display_name"`
	// Type is Insider's data type: string, number, boolean, date or array (as far as
	// Insider's own integrations show; the endpoint is not in the public reference).
	Type string `json:"type"`
}

// CustomName returns the upsert name of a custom attribute column (its key without
// CustomPrefix) and whether the column is a custom attribute.
func (c Column) CustomName() (string, bool) {
	name, ok := strings.CutPrefix(c.Key, CustomPrefix)
	if !ok || name == "" {
		return "", false
	}
	return name, true
}

// ContactColumns fetches and decodes the attribute definitions of the contacts table
// (POST /api/user/v3/metadata/columns {"table":"contacts"}). The answer is an array of
// {key, display_name, type}; an object wrapping that array in "data" is accepted too, since
// the endpoint's envelope is not documented.
func (c *Client) ContactColumns(ctx context.Context) ([]Column, error) {
	body, _, err := c.Columns(ctx)
	if err != nil {
		return nil, err
	}
	cols, err := parseColumns(body)
	if err != nil {
		// JSON, but not the columns this client knows: the endpoint is not what it expects.
		return nil, &Error{Kind: KindUnavailable, Op: http.MethodPost + " " + ColumnsPath, Status: http.StatusOK, Err: err}
	}
	return cols, nil
}

func parseColumns(body []byte) ([]Column, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '{' {
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, err
		}
		if len(env.Data) == 0 {
			return nil, fmt.Errorf("an object without a data array: %s", truncate(body, maxErrorBody))
		}
		body = env.Data
	}
	var cols []Column
	if err := json.Unmarshal(body, &cols); err != nil {
		return nil, err
	}
	out := cols[:0]
	for _, col := range cols {
		if strings.TrimSpace(col.Key) != "" {
			out = append(out, col)
		}
	}
	return out, nil
}
