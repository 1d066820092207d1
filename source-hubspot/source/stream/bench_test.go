package stream

import "testing"

func BenchmarkConvertValues(b *testing.B) {
	vals := []struct {
		k Kind
		v []byte
	}{{KindString, []byte("some text value 17")}, {KindNumber, []byte("1234")}, {KindBool, []byte("true")},
		{KindDateTime, []byte("2024-09-11T13:27:39.356Z")}, {KindDate, []byte("2024-09-11")}}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, v := range vals {
			buf, _ = AppendValue(buf, v.k, v.v, false)
		}
	}
}
