package convert

import "testing"

// BenchmarkPhoneNormalize measures the phone rule on the shapes CRMs hold: national numbers with
// punctuation and E.164 (the quick path), and numbers of other countries (the full parser).
func BenchmarkPhoneNormalize(b *testing.B) {
	for name, inputs := range map[string][]string{
		"quick": {"(415) 555-0123", "415.555.0199", "+14155550123", "212-555-0100"},
		"full":  {"+44 20 7946 0958", "+90 532 123 45 67"},
	} {
		b.Run(name, func(b *testing.B) {
			p := NewPhoneRules(true, "US")
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, ok := p.Normalize(inputs[i%len(inputs)]); !ok {
					b.Fatal(inputs[i%len(inputs)])
				}
			}
		})
	}
}
