package protocol

// TraceType is the type of a TRACE message.
type TraceType string

// Trace types.
const (
	TraceError        TraceType = "ERROR"
	TraceEstimate     TraceType = "ESTIMATE"
	TraceStreamStatus TraceType = "STREAM_STATUS"
	TraceAnalytics    TraceType = "ANALYTICS"
)

// Trace is an AirbyteTraceMessage with exactly the one payload its Type names.
type Trace struct {
	Type         TraceType     `json:"type"`
	EmittedAt    int64         `json:"emitted_at"`
	Error        *ErrorTrace   `json:"error,omitempty"`
	Estimate     *Estimate     `json:"estimate,omitempty"`
	StreamStatus *StreamStatus `json:"stream_status,omitempty"`
	Analytics    *Analytics    `json:"analytics,omitempty"`
}

// ErrorTrace is an AirbyteErrorTraceMessage.
type ErrorTrace struct {
	Message          string            `json:"message"`
	InternalMessage  string            `json:"internal_message,omitempty"`
	StackTrace       string            `json:"stack_trace,omitempty"`
	FailureType      FailureType       `json:"failure_type,omitempty"`
	StreamDescriptor *StreamDescriptor `json:"stream_descriptor,omitempty"`
}

// Estimate is an AirbyteEstimateTraceMessage.
type Estimate struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Namespace   string `json:"namespace,omitempty"`
	RowEstimate int64  `json:"row_estimate,omitempty"`
}

// StreamStatusKind is the status of a stream in a STREAM_STATUS trace.
type StreamStatusKind string

// Stream statuses in the order a stream passes through them.
const (
	StreamStarted    StreamStatusKind = "STARTED"
	StreamRunning    StreamStatusKind = "RUNNING"
	StreamComplete   StreamStatusKind = "COMPLETE"
	StreamIncomplete StreamStatusKind = "INCOMPLETE"
)

// StreamStatus is an AirbyteStreamStatusTraceMessage.
type StreamStatus struct {
	StreamDescriptor StreamDescriptor `json:"stream_descriptor"`
	Status           StreamStatusKind `json:"status"`
}

// Analytics is an AirbyteAnalyticsTraceMessage: an event of a static Type with an optional
// Value, for what a run notices that is neither an error nor a record.
type Analytics struct {
	Type  string `json:"type"`
	Value string `json:"value,omitempty"`
}
