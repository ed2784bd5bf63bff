// Package crypto holds every cryptographic construction paspor uses, built only from
// filippo.io/age, golang.org/x/crypto, the standard library and github.com/hiddeco/sshsig.
//
// # Wallet keys
//
// A wallet is opened by two factors. The passphrase is stretched with Argon2id
// ([DeriveKEK], parameters in [KDFParams]); the result is combined with the 32-byte device
// secret through HKDF-SHA256 into the key-encryption key (KEK). The KEK seals one key slot
// ([SealSlot], [OpenSlot]) holding the random wallet key and the holder's Ed25519 signing key.
// Changing the passphrase or the device secret re-seals that slot and nothing else.
//
// # Records
//
// Every record and attachment is an age file whose file key is wrapped for the wallet key
// by a keyed stanza ([NewRecordRecipient], [NewRecordIdentity]): the wrapping key is derived
// from the wallet key and the record's [Binding] (wallet ID, kind, record ID), so a record
// moved to another place, kind or wallet no longer opens.
//
// # Partners and signatures
//
// Partner recipients and identities follow the age CLI (X25519, hybrid ML-KEM-768+X25519,
// ssh-ed25519 and ssh-rsa). Bundles are signed with SSHSIG so that stock ssh-keygen verifies them.
//
// This package imports no other paspor package.
package crypto
