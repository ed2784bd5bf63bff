package request

import (
	"bytes"
	"encoding/json"
)

// MaxTelegramScopeSize caps a PassportScope document.
const MaxTelegramScopeSize = 64 << 10

// Telegram's aliases, expanded to the types they stand for, in wallet/schema order.
var telegramAliases = map[string][]string{
	"id_document":      {"passport", "internal_passport", "identity_card", "driver_license"},
	"address_document": {"utility_bill", "bank_statement", "rental_agreement", "passport_registration", "temporary_registration"},
}

// telegramScope is Telegram's PassportScope: {"v":1,"data":[...]}.
type telegramScope struct {
	Data []json.RawMessage `json:"data"`
	V    *int              `json:"v"`
}

// telegramElement is PassportScopeElementOne ("type") or PassportScopeElementOneOfSeveral
// ("one_of"); the data list may also hold a bare type name, as Telegram's SDKs accept.
type telegramElement struct {
	Type        string            `json:"type"`
	OneOf       []json.RawMessage `json:"one_of"`
	Selfie      bool              `json:"selfie"`
	Translation bool              `json:"translation"`
	NativeNames bool              `json:"native_names"`
}

// telegramOption is one entry of one_of: a bare type name or {"type": ...}. Per-option flags
// are refused: the native scope has one set of flags per element.
type telegramOption struct {
	Type string `json:"type"`
}

// ParseTelegramScope reads a Telegram PassportScope ({"v":1,"data":[...]}) strictly and
// converts it to the native scope: each data entry becomes one element; id_document and
// address_document become one_of their types; flags are copied; fields and scans are left
// to their defaults (all fields; every front_side, reverse_side or file the type has), which
// is what Telegram asks of a holder for those elements.
func ParseTelegramScope(data []byte) (Scope, error) {
	if len(data) > MaxTelegramScopeSize {
		return Scope{}, reject("scope", ReasonTooLarge, "larger than %d bytes", MaxTelegramScopeSize)
	}
	var ts telegramScope
	if err := decodeStrict("scope", data, &ts); err != nil {
		return Scope{}, err
	}
	if ts.V == nil || *ts.V != 1 {
		return Scope{}, reject("scope", ReasonFormat, "PassportScope v must be 1")
	}
	if len(ts.Data) > MaxElements {
		return Scope{}, reject("scope", ReasonTooLarge, "more than %d elements", MaxElements)
	}
	var s Scope
	for i, raw := range ts.Data {
		e, err := convertTelegramElement(raw)
		if err != nil {
			if re, ok := err.(*RejectedError); ok {
				re.Detail = "element " + itoa(i+1) + ": " + re.Detail
			}
			return Scope{}, err
		}
		s.Elements = append(s.Elements, e)
	}
	if err := s.validate(); err != nil {
		return Scope{}, err
	}
	return s, nil
}

func convertTelegramElement(raw json.RawMessage) (Element, error) {
	var te telegramElement
	if bytes.HasPrefix(raw, []byte(`"`)) {
		if err := json.Unmarshal(raw, &te.Type); err != nil {
			return Element{}, reject("scope", ReasonMalformed, "bad type name")
		}
	} else if err := decodeStrict("scope", raw, &te); err != nil {
		return Element{}, err
	}
	e := Element{Selfie: te.Selfie, Translation: te.Translation, NativeNames: te.NativeNames}
	var types []string
	switch {
	case te.Type != "" && te.OneOf != nil:
		return Element{}, reject("scope", ReasonScope, "type and one_of are exclusive")
	case te.Type != "":
		types = expandAlias(te.Type)
	case te.OneOf != nil:
		for _, o := range te.OneOf {
			var opt telegramOption
			if bytes.HasPrefix(o, []byte(`"`)) {
				if err := json.Unmarshal(o, &opt.Type); err != nil {
					return Element{}, reject("scope", ReasonMalformed, "bad type name")
				}
			} else if err := decodeStrict("scope", o, &opt); err != nil {
				return Element{}, err
			}
			types = append(types, expandAlias(opt.Type)...)
		}
	default:
		return Element{}, reject("scope", ReasonScope, "want type or one_of")
	}
	if len(types) == 1 {
		e.Type = types[0]
	} else {
		e.OneOf = types
	}
	return e, nil
}

func expandAlias(name string) []string {
	if types, ok := telegramAliases[name]; ok {
		return append([]string(nil), types...)
	}
	return []string{name}
}
