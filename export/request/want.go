package request

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// MaxWantSize caps one want spec (see [ParseWants]).
const MaxWantSize = 1024

// Kinds of scope input, as [ParseScopeInput] detects them.
const (
	// ScopeNative is a native scope, {"elements":[...]}.
	ScopeNative = "native"
	// ScopeTelegram is a Telegram PassportScope, {"v":1,"data":[...]}.
	ScopeTelegram = "telegram"
)

// ParseScopeInput reads a scope file that is either a native scope or a Telegram
// PassportScope, and says which it was: an object with an "elements" key is native, one with
// "v" or "data" is a PassportScope (and one with both kinds of keys is refused). The chosen
// parser then reads it strictly ([ParseScope], [ParseTelegramScope]).
func ParseScopeInput(data []byte) (Scope, string, error) {
	if len(data) > MaxTelegramScopeSize {
		return Scope{}, "", reject("scope", ReasonTooLarge, "larger than %d bytes", MaxTelegramScopeSize)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return Scope{}, "", reject("scope", ReasonMalformed, "not a JSON object")
	}
	_, native := keys["elements"]
	_, v := keys["v"]
	_, d := keys["data"]
	switch {
	case native && !v && !d:
		s, err := ParseScope(bytes.TrimSpace(data))
		return s, ScopeNative, err
	case !native && (v || d):
		s, err := ParseTelegramScope(data)
		return s, ScopeTelegram, err
	}
	return Scope{}, "", reject("scope", ReasonFormat, `want a native scope {"elements":[...]} or a Telegram PassportScope {"v":1,"data":[...]}`)
}

// ParseWants reads the compact form of a scope, one spec per element, and validates the
// scope it makes. A spec is
//
//	TYPES[:OPTION,OPTION,...]
//
// TYPES is a type name, or several joined by "|" (the element becomes one_of them, in that
// order); Telegram's aliases id_document and address_document stand for their types. An
// OPTION is one of: selfie, translation, native_names, optional, max_age=DAYS,
// fields=NAME+NAME+..., scans=ROLE+ROLE+... (front_side, reverse_side, file) or scans=none.
// Each option appears at most once. For example
//
//	passport|identity_card|driver_license:selfie,translation
//	address_document:max_age=90
//	personal_details:native_names
//	email:optional
func ParseWants(specs []string) (Scope, error) {
	var s Scope
	if len(specs) > MaxElements {
		return Scope{}, reject("scope", ReasonTooLarge, "more than %d elements", MaxElements)
	}
	for i, spec := range specs {
		e, err := parseWant(spec)
		if err != nil {
			err.Detail = "want " + itoa(i+1) + ": " + err.Detail
			return Scope{}, err
		}
		s.Elements = append(s.Elements, e)
	}
	if err := s.validate(); err != nil {
		return Scope{}, err
	}
	return s, nil
}

func parseWant(spec string) (Element, *RejectedError) {
	if len(spec) > MaxWantSize {
		return Element{}, reject("scope", ReasonTooLarge, "longer than %d bytes", MaxWantSize)
	}
	typesPart, optsPart, hasOpts := strings.Cut(spec, ":")
	var types []string
	for _, name := range strings.Split(typesPart, "|") {
		if name == "" {
			return Element{}, reject("scope", ReasonScope, "an empty type name")
		}
		types = append(types, expandAlias(name)...)
	}
	if len(types) > MaxListItems {
		return Element{}, reject("scope", ReasonTooLarge, "a list has more than %d items", MaxListItems)
	}
	var e Element
	if len(types) == 1 {
		e.Type = types[0]
	} else {
		e.OneOf = types
	}
	if !hasOpts {
		return e, nil
	}
	seen := map[string]bool{}
	for _, opt := range strings.Split(optsPart, ",") {
		key, value, hasValue := strings.Cut(opt, "=")
		if seen[key] {
			return Element{}, reject("scope", ReasonScope, "option %s is given twice", safeName(key))
		}
		seen[key] = true
		flag := func(b *bool) *RejectedError {
			if hasValue {
				return reject("scope", ReasonScope, "option %s takes no value", key)
			}
			*b = true
			return nil
		}
		var err *RejectedError
		switch key {
		case roleSelfie:
			err = flag(&e.Selfie)
		case roleTranslation:
			err = flag(&e.Translation)
		case "native_names":
			err = flag(&e.NativeNames)
		case "optional":
			err = flag(&e.Optional)
		case "max_age":
			n, perr := strconv.Atoi(value)
			if perr != nil || n < 1 || n > MaxAgeDays || strconv.Itoa(n) != value {
				return Element{}, reject("scope", ReasonScope, "max_age must be from 1 to %d days", MaxAgeDays)
			}
			e.MaxAge = n
		case "fields":
			if value == "" {
				return Element{}, reject("scope", ReasonScope, "fields= names at least one field")
			}
			e.Fields = strings.Split(value, "+")
		case "scans":
			scans := []string{}
			if value != "none" {
				if value == "" {
					return Element{}, reject("scope", ReasonScope, "scans= names scans, or none")
				}
				scans = strings.Split(value, "+")
			}
			e.Scans = &scans
		default:
			return Element{}, reject("scope", ReasonScope, "unknown option %s", safeName(key))
		}
		if err != nil {
			return Element{}, err
		}
	}
	return e, nil
}

// CheckPartnerName checks a partner display name by the rules of a request's "partner".
func CheckPartnerName(name string) error { return checkText("partner", "name", name, maxPartner) }
