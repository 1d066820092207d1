package convert

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Insider's country attribute is an ISO 3166-1 alpha-2 code; HubSpot's
// country property is free text ("United States", "Deutschland", "UK",
// "DEU"). countryCode converts both with CLDR's region names, as packaged
// in golang.org/x/text, in several languages and in each country's own.

// countryNameLanguages are the languages whose region names are accepted
// besides every country's own language.
var countryNameLanguages = []string{
	"en", "de", "fr", "es", "it", "pt", "nl", "tr", "pl", "sv", "da", "nb", "fi", "cs", "ro", "hu", "el", "ru", "uk", "ar", "ja", "zh", "ko",
}

// countryAliases are common names CLDR does not list. Keys are folded
// (see foldCountry).
var countryAliases = map[string]string{
	"uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
	"northern ireland": "GB", "usa": "US", "u s": "US", "u s a": "US", "united states of america": "US",
	"america": "US", "holland": "NL", "turkiye": "TR", "czech republic": "CZ", "south korea": "KR",
	"republic of korea": "KR", "russian federation": "RU", "viet nam": "VN", "ivory coast": "CI",
}

// notAssigned are codes x/text knows as regions that ISO 3166-1 does not
// assign to a country (exceptionally reserved or user-assigned).
var notAssigned = map[string]bool{"AC": true, "CP": true, "DG": true, "EA": true, "IC": true, "TA": true, "XK": true}

var countries struct {
	once   sync.Once
	byName map[string]string // folded name or code -> alpha-2
}

// countryCode returns the ISO 3166-1 alpha-2 code a country name or code
// means, or false when it names no country (or several).
func countryCode(s string) (string, bool) {
	countries.once.Do(buildCountries)
	code, ok := countries.byName[foldCountry(s)]
	return code, ok && code != ""
}

func buildCountries() {
	m := map[string]string{}
	add := func(name, code string) {
		k := foldCountry(name)
		if k == "" {
			return
		}
		if prev, ok := m[k]; ok && prev != code {
			m[k] = "" // ambiguous across languages: no guess
			return
		}
		m[k] = code
	}
	var namers []display.Namer
	for _, l := range countryNameLanguages {
		if n := display.Regions(language.Make(l)); n != nil {
			namers = append(namers, n)
		}
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.Canonicalize().String() != code || r.ISO3() == "ZZZ" || notAssigned[code] {
				continue
			}
			add(code, code)
			add(r.ISO3(), code)
			for _, n := range namers {
				add(n.Name(r), code)
			}
			if base, conf := language.Make("und-" + code).Base(); conf != language.No {
				if n := display.Regions(language.Make(base.String())); n != nil {
					add(n.Name(r), code)
				}
			}
		}
	}
	for k, code := range countryAliases {
		if _, ok := m[k]; !ok {
			m[k] = code
		}
	}
	countries.byName = m
}

// foldCountry lower-cases s, strips accents and punctuation and collapses
// spaces, so "  Côte d’Ivoire " and "cote d ivoire" meet.
func foldCountry(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(folded) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '&':
			if b.Len() > 0 {
				b.WriteString(" and")
			}
			space = true
		default:
			space = true
		}
	}
	return strings.TrimPrefix(b.String(), "the ")
}
