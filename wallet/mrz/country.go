package mrz

import "golang.org/x/text/language"

// icaoAlpha2 holds ICAO 9303 Part 3 codes that are not ISO 3166-1 alpha-3 codes but do name
// a country: Germany's one-letter code and the United Kingdom's codes for its classes of
// nationals. Kosovo's RKS is left out on purpose: Kosovo has no ISO 3166-1 code.
var icaoAlpha2 = map[string]string{
	"D":   "DE",
	"GBD": "GB", // British Overseas Territories citizen
	"GBN": "GB", // British National (Overseas)
	"GBO": "GB", // British Overseas citizen
	"GBP": "GB", // British protected person
	"GBS": "GB", // British subject
}

// Alpha2 returns the ISO 3166-1 alpha-2 code for a state code as printed in an MRZ (fillers
// already trimmed): "DEU" and "D" give "DE", "GBD" gives "GB". A code that names no country
// gives a [*NoAlpha2Error], Kosovo's RKS among them.
func Alpha2(code string) (string, error) {
	if a2, ok := icaoAlpha2[code]; ok {
		return a2, nil
	}
	if len(code) != 3 {
		return "", &NoAlpha2Error{Code: code}
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return "", &NoAlpha2Error{Code: code}
		}
	}
	// x/text's region table (CLDR) maps alpha-3 to alpha-2 but also knows macro-regions and
	// private-use codes, and canonicalizes withdrawn ones; only an exact round trip to a
	// country with a UN M.49 number is accepted.
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() || r.ISO3() != code || r.M49() == 0 || r.Canonicalize() != r || len(r.String()) != 2 {
		return "", &NoAlpha2Error{Code: code}
	}
	return r.String(), nil
}
