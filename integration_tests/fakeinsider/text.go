package fakeinsider

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// validText reports whether a JSON body is valid UTF-8 and every \u escape of a UTF-16
// surrogate is one half of a pair. Backslashes occur only inside strings in valid JSON, so the
// whole body is scanned.
func validText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+1 < len(b) && b[i+1] != 'u' {
			i++ // \" \\ \n ...
			continue
		}
		r, ok := hex4(b, i+2)
		if !ok {
			return false
		}
		switch {
		case utf16.IsSurrogate(r) && r < 0xdc00: // high half: a low half must follow
			lo, ok := hex4(b, i+8)
			if !ok || i+7 >= len(b) || b[i+6] != '\\' || b[i+7] != 'u' || lo < 0xdc00 || lo > 0xdfff {
				return false
			}
			i += 11
		case utf16.IsSurrogate(r): // a low half alone
			return false
		default:
			i += 5
		}
	}
	return true
}

func hex4(b []byte, at int) (rune, bool) {
	if at < 0 || at+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[at:at+4]), 16, 32)
	return rune(v), err == nil
}
