package main

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// minPassphraseRunes is the length below which init and passphrase warn. The passphrase is the
// only thing between a thief who has both the wallet file and the device secret and the
// documents; Argon2id slows each guess, but a short one is still found by trying. A warning,
// not a refusal: the person decides.
const minPassphraseRunes = 12

// warnWeakPassphrase warns on stderr when pass is short or made of very few distinct
// characters ("aaaaaaaaaaaaaa"). It never says what the passphrase is.
func warnWeakPassphrase(w io.Writer, pass []byte) {
	distinct := map[rune]bool{}
	for _, r := range string(pass) {
		distinct[r] = true
	}
	if utf8.RuneCount(pass) < minPassphraseRunes || len(distinct) < 5 {
		warnf(w, "weak passphrase: under %d characters or few different ones; whoever gets the wallet file and the device secret can guess it", minPassphraseRunes)
		fmt.Fprintln(w, `paspor: hint: a few random words ("tangerine ostrich lantern") are long and easy to remember`)
	}
}
