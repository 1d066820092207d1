package protocol

// TraceType is the type of a TRACE message.
type TraceType string

// Trace types.
const (
	TraceError        TraceType = "ERROR"
	TraceEstimate     TraceType = "ESTIMATE"
	TraceStreamStatus TraceType = "STREAM_STATUS"
)

// Trace is an AirbyteTraceMessage with exactly the one payload its Type names.
type Trace struct {
	Type         TraceType     `json:"type"`
	EmittedAt    int64         `json:"emitted_at"`
	Error        *TraceErr     `json:"error,omitempty"`
	Estimate     *Estimate     `json:"estimate,omitempty"`
	StreamStatus *StreamStatus `json:"stream_status,omitempty"`
}

// TraceErr is an AirbyteErrorTraceMessage.
type TraceErr struct {
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

// StreamStatusValue is the status of a stream in a STREAM_STATUS trace.
type StreamStatusValue string

// Stream statuses in the order a stream passes through them.
const (
	StreamStarted    StreamStatusValue = "STARTED"
	StreamRunning    StreamStatusValue = "RUNNING"
	StreamComplete   StreamStatusValue = "COMPLETE"
	StreamIncomplete StreamStatusValue = "INCOMPLETE"
)

// StreamStatus is an AirbyteStreamStatusTraceMessage.
type StreamStatus struct {
	StreamDescriptor StreamDescriptor  `json:"stream_descriptor"`
	Status           StreamStatusValue `json:"status"`
}
