package convert

import (
	"fmt"
	"math/rand/v2"
	"strings"
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
	checked, invalid := 0, 0
	for range 20000 {
		region := regions[rng.IntN(len(regions))]
		n := 6 + rng.IntN(8)
		d := ""
		for range n {
			d += fmt.Sprint(rng.IntN(10))
		}
		in := formats[rng.IntN(len(formats))](d)
		p := NewPhoneRules(true, region)
		quick, ok := p.quick(in)
		if !ok {
			if p.quickInvalid(in) {
				invalid++
				if num, err := phonenumbers.Parse(in, region); err == nil && phonenumbers.IsValidNumber(num) {
					t.Errorf("region %s, %q: quick path says invalid, phonenumbers says %s", region, in,
						phonenumbers.Format(num, phonenumbers.E164))
				}
			}
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
	if checked < 1000 || invalid < 1000 {
		t.Errorf("only %d numbers took the quick path and %d were ruled out by it", checked, invalid)
	}
}

// TestPhoneQuickInvalidAgreesOnRealNumbers formats real example numbers of many countries in the
// ways CRMs hold them and checks, for every default region, that whatever the quick path rules
// out phonenumbers rules out too.
func TestPhoneQuickInvalidAgreesOnRealNumbers(t *testing.T) {
	t.Parallel()
	regions := []string{"US", "CA", "GB", "TR", "DE", "FR", "IT", "IN", "MX", "NL", "ES", "AU", "JP", "SG", "BR", "AE"}
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE}
	var inputs []string
	for _, r := range regions {
		for _, ty := range types {
			num := phonenumbers.GetExampleNumberForType(r, ty)
			if num == nil {
				continue
			}
			national := phonenumbers.Format(num, phonenumbers.NATIONAL)
			intl := phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
			e164 := phonenumbers.Format(num, phonenumbers.E164)
			inputs = append(inputs, national, intl[1:], "011 "+intl[1:], "00"+e164[1:], e164[1:], phonenumbers.GetNationalSignificantNumber(num))
		}
	}
	ruledOut := 0
	for _, def := range regions {
		p := NewPhoneRules(true, def)
		for _, in := range inputs {
			if !p.quickInvalid(in) {
				continue
			}
			ruledOut++
			if num, err := phonenumbers.Parse(in, def); err == nil && phonenumbers.IsValidNumber(num) {
				t.Errorf("default region %s, %q: ruled out by the quick path, but phonenumbers reads %s", def, in,
					phonenumbers.Format(num, phonenumbers.E164))
			}
		}
	}
	if ruledOut < 100 {
		t.Errorf("the quick path ruled out only %d inputs; the test exercises nothing", ruledOut)
	}
}

// FuzzPhoneQuickPathAgrees ties the quick path to libphonenumber on any input: a number the quick
// path formats must be what the full path gives, and one it rules out must be one the full path
// rejects too, so the quick path never changes an answer.
func FuzzPhoneQuickPathAgrees(f *testing.F) {
	regions := []string{"", "US", "CA", "GB", "TR", "DE", "FR", "IT", "IN", "MX", "NL", "ES", "AU", "JP", "SG", "BR"}
	for _, s := range []string{"(415) 555-2671", "+90 532 123 45 67", "0532 123 4567", "1-800-555-0199",
		"0049 30 123456", "+44 20 7946 0958", "000-000", "12", "+1 (212) 555-0100", "91 98765 43210"} {
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, in string, r uint8) {
		region := regions[int(r)%len(regions)]
		p := NewPhoneRules(true, region)
		in = strings.TrimSpace(in)
		full, fullOK := p.parse(in)
		if quick, ok := p.quick(in); ok {
			if !fullOK || quick != full {
				t.Fatalf("region %q, %q: quick path %q, full path %q (ok %v)", region, in, quick, full, fullOK)
			}
			return
		}
		if p.quickInvalid(in) && fullOK {
			t.Fatalf("region %q, %q: ruled out by the quick path, full path gives %q", region, in, full)
		}
	})
}
