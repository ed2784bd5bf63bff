// Command skipsummary reads `go test -json` on stdin and keeps the output of a normal `go
// test` run readable: package result lines, and the full output of every test that failed.
// At the end it lists every skipped test with its reason. It exits 1 when a test or package
// failed, when the input held no result at all, and, under CI=true, when any test skipped:
// CI installs every program the tests use, so a skip there is a test that silently never ran.
//
//	go test -json ./... | go run ./tools/skipsummary
package main
