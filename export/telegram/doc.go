// Package telegram reads and writes Telegram Passport's wire format: the passport_data a
// Telegram bot receives (core.telegram.org/passport), both ways.
//
// # The model
//
// A [PassportData] holds encrypted elements (personal_details, passport, address,
// utility_bill, ...; phone_number and email in plain text) and [EncryptedCredentials]. The
// credentials JSON holds, per element, the secret and hash that decrypt its data and each of
// its files, and the nonce of the bot's request. It is encrypted like an element, under a
// fresh secret that is RSA-OAEP (SHA-1, MGF1-SHA-1) encrypted to the bot's public key.
//
// Data, files and the credentials are each encrypted the same way ([Encrypt], [Decrypt]):
// padded = byte(P) || P-1 random bytes || plaintext with P in 32..255 and len(padded) a
// multiple of 16; hash = SHA-256(padded); key and IV are bytes 0..32 and 32..48 of
// SHA-512(secret || hash); AES-256-CBC without further padding. Decryption checks the hash
// before it looks at the padding, so a forger cannot use padding failures as an oracle.
//
// # Bots: reading
//
// [Open] decrypts passport_data with the bot's RSA private key into [Element]s with their
// fields, checking the nonce when asked; each [File] then decrypts its downloaded
// ciphertext with [File.Decrypt]. [ErrorsJSON] builds what setPassportDataErrors takes.
//
// # Holders: writing
//
// [Build] turns documents (in paspor's form: ISO dates) into passport_data and its
// encrypted files for a bot's public key, the way a Telegram client would send them (every
// value a string, dates DD.MM.YYYY). [ParseScope] reads a PassportScope and [Scope.Apply]
// keeps what it asks for.
//
// Every failure on hostile input is a [*RejectedError] with a stable Reason; nothing in the
// package panics on any input, prints, or reads a file. Only the standard library's
// crypto/rsa, crypto/aes, crypto/cipher and crypto/sha* are used.
package telegram
