// Package protocol implements the Airbyte protocol for both connectors: typed messages, the
// JSON-lines writer and reader of stdout and stdin, command-line parsing, config validation,
// logging as LOG messages, secret redaction, and the bookkeeping that Airbyte asks of sources
// (stream statuses, sourceStats) and destinations (echoing STATE only after its records are
// committed). It knows nothing of HTTP, HubSpot or Insider.
package protocol

import "encoding/json"

// MessageType is the type of an AirbyteMessage.
type MessageType string

// Message types of the Airbyte protocol.
const (
	TypeRecord           MessageType = "RECORD"
	TypeState            MessageType = "STATE"
	TypeLog              MessageType = "LOG"
	TypeSpec             MessageType = "SPEC"
	TypeConnectionStatus MessageType = "CONNECTION_STATUS"
	TypeCatalog          MessageType = "CATALOG"
	TypeTrace            MessageType = "TRACE"
	TypeControl          MessageType = "CONTROL"
	// TypeDestinationCatalog is a destination's answer to discover (Airbyte data activation).
	TypeDestinationCatalog MessageType = "DESTINATION_CATALOG"
)

// Message is an AirbyteMessage: Type and exactly the one payload that Type names.
type Message struct {
	Type             MessageType       `json:"type"`
	Record           *Record           `json:"record,omitempty"`
	State            *State            `json:"state,omitempty"`
	Log              *Log              `json:"log,omitempty"`
	Spec             *Spec             `json:"spec,omitempty"`
	ConnectionStatus *ConnectionStatus `json:"connectionStatus,omitempty"`
	Catalog          *Catalog          `json:"catalog,omitempty"`
	Trace            *Trace            `json:"trace,omitempty"`
	Control          *Control          `json:"control,omitempty"`
	// DestinationCatalog is the payload of TypeDestinationCatalog.
	DestinationCatalog *DestinationCatalog `json:"destination_catalog,omitempty"`
}

// Record is an AirbyteRecordMessage. Data is kept raw so that it passes through unchanged.
type Record struct {
	Stream    string          `json:"stream"`
	Namespace string          `json:"namespace,omitempty"`
	Data      json.RawMessage `json:"data"`
	EmittedAt int64           `json:"emitted_at"`
}

// StreamDescriptor names a stream. An empty Namespace is left out of the JSON.
type StreamDescriptor struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// StateType is the type of an AirbyteStateMessage.
type StateType string

// State types. A state without a type is LEGACY.
const (
	StateStream StateType = "STREAM"
	StateGlobal StateType = "GLOBAL"
	StateLegacy StateType = "LEGACY"
)

// State is an AirbyteStateMessage. Opaque parts are raw JSON.
type State struct {
	Type             StateType       `json:"type,omitempty"`
	Stream           *StreamState    `json:"stream,omitempty"`
	Global           *GlobalState    `json:"global,omitempty"`
	Data             json.RawMessage `json:"data,omitempty"`
	SourceStats      *StateStats     `json:"sourceStats,omitempty"`
	DestinationStats *StateStats     `json:"destinationStats,omitempty"`
}

// StreamState is an AirbyteStreamState.
type StreamState struct {
	StreamDescriptor StreamDescriptor `json:"stream_descriptor"`
	StreamState      json.RawMessage  `json:"stream_state,omitempty"`
}

// GlobalState is an AirbyteGlobalState.
type GlobalState struct {
	SharedState  json.RawMessage `json:"shared_state,omitempty"`
	StreamStates []StreamState   `json:"stream_states"`
}

// LogLevel is the level of a LOG message.
type LogLevel string

// Log levels.
const (
	LogFatal LogLevel = "FATAL"
	LogError LogLevel = "ERROR"
	LogWarn  LogLevel = "WARN"
	LogInfo  LogLevel = "INFO"
	LogDebug LogLevel = "DEBUG"
	LogTrace LogLevel = "TRACE"
)

// Log is an AirbyteLogMessage.
type Log struct {
	Level      LogLevel `json:"level"`
	Message    string   `json:"message"`
	StackTrace string   `json:"stack_trace,omitempty"`
}

// DestinationSyncMode is how a destination writes a stream.
type DestinationSyncMode string

// Destination sync modes.
const (
	DestinationSyncModeAppend      DestinationSyncMode = "append"
	DestinationSyncModeOverwrite   DestinationSyncMode = "overwrite"
	DestinationSyncModeAppendDedup DestinationSyncMode = "append_dedup"
	DestinationSyncModeUpdate      DestinationSyncMode = "update"
	DestinationSyncModeSoftDelete  DestinationSyncMode = "soft_delete"
)

// Spec is a ConnectorSpecification.
type Spec struct {
	DocumentationURL              string                `json:"documentationUrl,omitempty"`
	ChangelogURL                  string                `json:"changelogUrl,omitempty"`
	ConnectionSpecification       json.RawMessage       `json:"connectionSpecification"`
	SupportsIncremental           bool                  `json:"supportsIncremental,omitempty"`
	SupportedDestinationSyncModes []DestinationSyncMode `json:"supported_destination_sync_modes,omitempty"`
	AdvancedAuth                  json.RawMessage       `json:"advanced_auth,omitempty"`
	ProtocolVersion               string                `json:"protocol_version,omitempty"`
}

// Status is the outcome of check.
type Status string

// Connection statuses.
const (
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
)

// ConnectionStatus is an AirbyteConnectionStatus.
type ConnectionStatus struct {
	Status  Status `json:"status"`
	Message string `json:"message,omitempty"`
}

// SyncMode is how a source reads a stream.
type SyncMode string

// Source sync modes.
const (
	SyncModeFullRefresh SyncMode = "full_refresh"
	SyncModeIncremental SyncMode = "incremental"
)

// Stream is an AirbyteStream. JSONSchema is raw so that a user's edits pass through unchanged.
type Stream struct {
	Name                    string          `json:"name"`
	Namespace               string          `json:"namespace,omitempty"`
	JSONSchema              json.RawMessage `json:"json_schema"`
	SupportedSyncModes      []SyncMode      `json:"supported_sync_modes"`
	SourceDefinedCursor     bool            `json:"source_defined_cursor,omitempty"`
	DefaultCursorField      []string        `json:"default_cursor_field,omitempty"`
	SourceDefinedPrimaryKey [][]string      `json:"source_defined_primary_key,omitempty"`
	IsResumable             bool            `json:"is_resumable,omitempty"`
}

// Catalog is an AirbyteCatalog.
type Catalog struct {
	Streams []Stream `json:"streams"`
}

// ConfiguredStream is a ConfiguredAirbyteStream. DestinationObjectName is set when the platform
// mapped the stream onto one of the objects of the destination's DestinationCatalog (data
// activation); its PrimaryKey then names the chosen matching key, already renamed.
type ConfiguredStream struct {
	Stream                Stream              `json:"stream"`
	SyncMode              SyncMode            `json:"sync_mode"`
	CursorField           []string            `json:"cursor_field,omitempty"`
	DestinationSyncMode   DestinationSyncMode `json:"destination_sync_mode"`
	DestinationObjectName string              `json:"destination_object_name,omitempty"`
	PrimaryKey            [][]string          `json:"primary_key,omitempty"`
	GenerationID          *int64              `json:"generation_id,omitempty"`
	MinimumGenerationID   *int64              `json:"minimum_generation_id,omitempty"`
	SyncID                *int64              `json:"sync_id,omitempty"`
}

// ConfiguredCatalog is a ConfiguredAirbyteCatalog.
type ConfiguredCatalog struct {
	Streams []ConfiguredStream `json:"streams"`
}

// Stream returns the configured stream with the given name, or nil.
func (c *ConfiguredCatalog) Stream(name string) *ConfiguredStream {
	for i := range c.Streams {
		if c.Streams[i].Stream.Name == name {
			return &c.Streams[i]
		}
	}
	return nil
}

// DestinationCatalog is the catalog a destination answers discover with: the operations that
// the platform's data-activation screens offer for mapping source streams.
type DestinationCatalog struct {
	Operations []DestinationOperation `json:"operations"`
}

// DestinationOperation is one operation on a destination object. Each MatchingKeys entry is one
// candidate key, a list of top-level field names (composite when longer than one), as Airbyte's
// platform reads it.
type DestinationOperation struct {
	ObjectName   string              `json:"object_name"`
	SyncMode     DestinationSyncMode `json:"sync_mode"`
	JSONSchema   json.RawMessage     `json:"json_schema"`
	MatchingKeys [][]string          `json:"matching_keys,omitempty"`
}

// Control is an AirbyteControlMessage asking the platform to persist a new config.
type Control struct {
	Type            string           `json:"type"`
	EmittedAt       int64            `json:"emitted_at"`
	ConnectorConfig *ConnectorConfig `json:"connectorConfig"`
}

// ConnectorConfig carries the whole new connector config.
type ConnectorConfig struct {
	Config json.RawMessage `json:"config"`
}
