package lists

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// A list's member ids are kept in the list_memberships state as one base64 string per list, so
// that a million memberships make a state of about a megabyte (see BenchmarkListsStateSize), not
// the 12 or more of a JSON array of id strings. The ids are sorted and unique; the string holds
//
//	format byte (1) | uvarint count | uvarint first id | k (one byte) | the gaps, Rice-coded
//
// where each gap is the difference to the previous id minus one, written as q = gap >> k in
// unary (q one bits and a zero) followed by gap's low k bits, most significant bit first. k is
// chosen from the mean gap, which makes the code within a few percent of the entropy of ids
// spread at random over a range: 5 to 12 bits an id for lists of 1 in 10 to 1 in 1,000 of a
// portal's contacts. A gap whose q would reach riceEscape is written as riceEscape one bits and
// the gap in 64 bits, so an outlier never costs more than 104 bits. The last byte is padded with
// zero bits.

const (
	membersFormatRice = 1
	riceEscape        = 40
	// maxMembers bounds the count a state may claim, so a damaged count cannot make the decoder
	// allocate without bound; HubSpot lists hold far fewer.
	maxMembers = 1 << 30
)

// encodeMembers encodes sorted, unique ids.
func encodeMembers(ids []uint64) string {
	b := []byte{membersFormatRice}
	b = binary.AppendUvarint(b, uint64(len(ids)))
	if len(ids) == 0 {
		return base64.RawStdEncoding.EncodeToString(b)
	}
	b = binary.AppendUvarint(b, ids[0])
	k := riceParameter(ids)
	b = append(b, byte(k))
	w := bitWriter{buf: b}
	for i := 1; i < len(ids); i++ {
		gap := ids[i] - ids[i-1] - 1
		if q := gap >> k; q < riceEscape {
			w.ones(int(q))
			w.write(0, 1)
			w.write(gap, k)
		} else {
			w.ones(riceEscape)
			w.write(gap, 64)
		}
	}
	return base64.RawStdEncoding.EncodeToString(w.flush())
}

// riceParameter is the Rice parameter for the gaps of ids: about log2 of the mean gap times ln 2.
func riceParameter(ids []uint64) int {
	if len(ids) < 2 {
		return 0
	}
	mean := (ids[len(ids)-1] - ids[0] - uint64(len(ids)-1)) / uint64(len(ids)-1)
	m := mean * 69 / 100
	if mean > 1<<56 {
		m = mean / 100 * 69
	}
	if m == 0 {
		return 0
	}
	return bits.Len64(m) - 1
}

// decodeMembers decodes what encodeMembers wrote, checking that it holds sorted, unique ids
// and nothing after them.
func decodeMembers(s string) ([]uint64, error) {
	h, err := membersHeader(s)
	if err != nil {
		return nil, err
	}
	if h.n == 0 {
		return []uint64{}, nil
	}
	r := bitReader{buf: h.gaps}
	if h.n-1 > uint64(r.left()) { // every gap takes at least one bit
		return nil, fmt.Errorf("%d members claimed, too few bytes for them", h.n)
	}
	ids := make([]uint64, 1, h.n)
	ids[0] = h.first
	for i := uint64(1); i < h.n; i++ {
		gap, ok := r.readGap(h.k)
		if !ok {
			return nil, errors.New("member ids cut short")
		}
		prev := ids[len(ids)-1]
		next := prev + gap + 1
		if next <= prev {
			return nil, errors.New("member ids overflow")
		}
		ids = append(ids, next)
	}
	if !r.rest() {
		return nil, errors.New("bytes after the last member")
	}
	return ids, nil
}

// membersHead is the head of an encoding of member ids: the count, the first id, the gap
// code's parameter and the gaps' bits.
type membersHead struct {
	n, first uint64
	k        int
	gaps     []byte
}

// membersHeader reads the head of an encoding of member ids (first, k and gaps are unset when
// it holds none).
func membersHeader(s string) (membersHead, error) {
	var h membersHead
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return h, fmt.Errorf("not base64: %w", err)
	}
	if len(b) == 0 || b[0] != membersFormatRice {
		return h, errors.New("not an encoding of member ids this version knows")
	}
	b = b[1:]
	n, used := binary.Uvarint(b)
	if used <= 0 || n > maxMembers {
		return h, errors.New("bad member count")
	}
	b = b[used:]
	if n == 0 {
		if len(b) != 0 {
			return h, errors.New("bytes after the last member")
		}
		return h, nil
	}
	h.n = n
	h.first, used = binary.Uvarint(b)
	if used <= 0 || len(b) < used+1 {
		return h, errors.New("bad first member")
	}
	if h.k = int(b[used]); h.k > 63 {
		return h, fmt.Errorf("bad gap code parameter %d", h.k)
	}
	h.gaps = b[used+1:]
	return h, nil
}

// bitWriter appends bits to buf, most significant first.
type bitWriter struct {
	buf  []byte
	acc  uint64 // pending bits, right-aligned
	nacc int
}

func (w *bitWriter) write(v uint64, n int) {
	for n > 0 {
		take := min(n, 56-w.nacc)
		n -= take
		w.acc = w.acc<<take | (v>>n)&(1<<take-1)
		w.nacc += take
		for w.nacc >= 8 {
			w.nacc -= 8
			w.buf = append(w.buf, byte(w.acc>>w.nacc))
		}
		w.acc &= 1<<w.nacc - 1
	}
}

func (w *bitWriter) ones(n int) {
	for n > 0 {
		take := min(n, 32)
		w.write(1<<take-1, take)
		n -= take
	}
}

// flush pads the last byte with zero bits and returns the bytes.
func (w *bitWriter) flush() []byte {
	if w.nacc > 0 {
		w.buf = append(w.buf, byte(w.acc<<(8-w.nacc)))
		w.acc, w.nacc = 0, 0
	}
	return w.buf
}

// bitReader reads bits from buf, most significant first.
type bitReader struct {
	buf []byte
	pos int // bits read
}

func (r *bitReader) left() int { return len(r.buf)*8 - r.pos }

// read returns the next n bits (n <= 64), false when fewer are left.
func (r *bitReader) read(n int) (uint64, bool) {
	if n > r.left() {
		return 0, false
	}
	var v uint64
	for n > 0 {
		byteAt, off := r.pos/8, r.pos%8
		take := min(n, 8-off)
		bitsOf := uint64(r.buf[byteAt]>>(8-off-take)) & (1<<take - 1)
		v = v<<take | bitsOf
		r.pos += take
		n -= take
	}
	return v, true
}

// readGap reads one gap of the Rice code with parameter k: a unary quotient, then k low bits,
// or after riceEscape one bits the whole gap in 64 bits. false when the bits run out.
func (r *bitReader) readGap(k int) (uint64, bool) {
	q := 0
	for q < riceEscape {
		bit, ok := r.read(1)
		if !ok {
			return 0, false
		}
		if bit == 0 {
			break
		}
		q++
	}
	if q == riceEscape {
		return r.read(64)
	}
	low, ok := r.read(k)
	return uint64(q)<<k | low, ok
}

// rest reports whether what is left is the zero padding of the last byte.
func (r *bitReader) rest() bool {
	if r.left() >= 8 {
		return false
	}
	v, _ := r.read(r.left())
	return v == 0
}
