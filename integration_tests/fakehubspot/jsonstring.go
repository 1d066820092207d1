package fakehubspot

import "encoding/json"

// appendJSONString writes s as a JSON string. It is the fake's own encoder, built on
// encoding/json rather than the connectors' JSON toolkit, so that a fault in the code under test
// cannot hide in the answers the fake gives it too.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			q, err := json.Marshal(s)
			if err != nil { // a string always marshals; keep the answer valid JSON regardless
				return append(b, `""`...)
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
