// Package testenv is the one place tests ask for the programs they use as oracles (age,
// ssh-keygen, tar, sha256sum, the Secret Service tools, age v1.3 built from its module).
//
// A program that is missing skips the test loudly, with the command that installs it; under
// CI=true it fails the test instead, because CI installs every oracle and a skip there would
// hide a test that never ran. cmd/skipsummary, run by `make test`, lists every skip at the end
// of the run and fails under CI=true when anything skipped.
package testenv
