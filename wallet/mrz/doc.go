// Package mrz reads the machine-readable zone (MRZ) printed on passports, identity cards and
// visas, as ICAO Doc 9303 specifies it: TD1 (three lines of 30 characters, identity cards),
// TD2 (two lines of 36), TD3 (two lines of 44, passports) and the machine-readable visas
// MRV-A (two of 44) and MRV-B (two of 36).
//
// [Parse] checks the shape of every field and every check digit, the composite one too, and
// returns the fields an identity document record needs: document number, issuing state,
// names, nationality, birth and expiry dates (with the century worked out), sex. Errors are
// typed ([*FieldError], [*CheckDigitError]) and name the field that failed, never its value:
// an MRZ is personal data. A [*CheckDigitError] lists [Suspect] positions where a character
// that OCR commonly confuses (0/O, 1/I, 8/B, 5/S, 2/Z) would, read the other way, make the
// check digit right.
//
// [Alpha2] turns the three-letter state codes of the MRZ into the ISO 3166-1 alpha-2 codes
// of the document schema, including ICAO's own codes (D for Germany, GBD and friends for the
// United Kingdom); codes that name no country (UTO, XXA, UNO, ...) give a [*NoAlpha2Error].
//
// Parse never panics, whatever its input; a fuzz target holds it to that.
package mrz
