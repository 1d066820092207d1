package destination

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestPhoneQuickPathAgrees checks that the quick path gives what
// phonenumbers gives, over random plain numbers in several regions and
// formats.
func TestPhoneQuickPathAgrees(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 2))
	formats := []func(d string) string{
		func(d string) string { return d },
		func(d string) string { return "(" + d[:3] + ") " + d[3:6] + "-" + d[6:] },
		func(d string) string { return d[:3] + " " + d[3:6] + " " + d[6:] },
		func(d string) string { return d[:2] + "." + d[2:5] + "." + d[5:] },
		func(d string) string { return "0" + d },
		func(d string) string { return "1" + d },
		func(d string) string { return "+" + d },
		func(d string) string { return "+1 " + d },
		func(d string) string { return d[:4] + "/" + d[4:] },
	}
	regions := []string{"US", "CA", "TR", "DE", "FR", "IT", "IN", "MX", "NL", "ES", "AU", "JP", "SG"}
	checked := 0
	for range 20000 {
		region := regions[rng.IntN(len(regions))]
		n := 6 + rng.IntN(8)
		d := ""
		for range n {
			d += fmt.Sprint(rng.IntN(10))
		}
		in := formats[rng.IntN(len(formats))](d)
		p := newPhoneRules(true, region)
		quick, ok := p.quick(in)
		if !ok {
			continue
		}
		checked++
		num, err := phonenumbers.Parse(in, region)
		var want string
		if err == nil {
			want = phonenumbers.Format(num, phonenumbers.E164)
		}
		if !isE164(want) {
			want = ""
		}
		if quick != want {
			t.Errorf("region %s, %q: quick path %q, phonenumbers %q", region, in, quick, want)
		}
	}
	if checked < 1000 {
		t.Errorf("only %d numbers took the quick path", checked)
	}
}
