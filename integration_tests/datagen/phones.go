package datagen

import (
	"fmt"
	"math/rand/v2"
)

func digits(r *rand.Rand, n int) []int {
	d := make([]int, n)
	for i := range d {
		d[i] = r.IntN(10)
	}
	return d
}

func join(d []int) string {
	b := make([]byte, len(d))
	for i, v := range d {
		b[i] = byte('0' + v)
	}
	return string(b)
}

// regions are the phone conventions the generator uses; every generated number is valid for
// libphonenumber (mobile ranges for GB, DE, TR, FR; geographic ranges for the US).
var regions = []region{
	{code: "US", country: "United States", city: "San Francisco", state: "CA", dial: "1",
		national: func(d []int) string {
			return fmt.Sprintf("(%s) %d%s-%s", usArea(d), 2+d[3]%8, join(d[4:6]), join(d[6:10]))
		},
		e164: func(d []int) string {
			return fmt.Sprintf("+1%s%d%s%s", usArea(d), 2+d[3]%8, join(d[4:6]), join(d[6:10]))
		}},
	{code: "GB", country: "United Kingdom", city: "London", state: "England", dial: "44",
		national: func(d []int) string { return fmt.Sprintf("074%d%d %s", d[0]%5, d[1], join(d[2:8])) },
		e164:     func(d []int) string { return fmt.Sprintf("+4474%d%d%s", d[0]%5, d[1], join(d[2:8])) }},
	{code: "DE", country: "Germany", city: "Berlin", state: "Berlin", dial: "49",
		national: func(d []int) string { return "0151 " + join(d[:8]) },
		e164:     func(d []int) string { return "+49151" + join(d[:8]) }},
	{code: "TR", country: "Türkiye", city: "İstanbul", state: "İstanbul", dial: "90",
		national: func(d []int) string {
			return fmt.Sprintf("0532 %s %s %s", join(d[:3]), join(d[3:5]), join(d[5:7]))
		},
		e164: func(d []int) string { return "+90532" + join(d[:7]) }},
	{code: "FR", country: "France", city: "Paris", state: "Île-de-France", dial: "33",
		national: func(d []int) string {
			return fmt.Sprintf("06 %c%d %s %s %s", frSecond(d), d[1], join(d[2:4]), join(d[4:6]), join(d[6:8]))
		},
		e164: func(d []int) string { return fmt.Sprintf("+336%c%d%s", frSecond(d), d[1], join(d[2:8])) }},
}

// frSecond picks the digit after 6 from the ranges libphonenumber accepts for French mobiles.
func frSecond(d []int) byte { return "01245678"[d[0]%8] }

func usArea(d []int) string { return []string{"415", "212", "646", "617", "312"}[d[0]%5] }

// invalidPhones are values no normalizer can turn into E.164.
var invalidPhones = []string{"12345", "call me", "+0 123", "555", "000-000", "n/a"}
