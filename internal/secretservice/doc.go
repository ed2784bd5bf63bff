// Package secretservice lets tests run against a real Secret Service: a private, unlocked
// gnome-keyring on a private D-Bus session bus, with a fresh HOME. It is the oracle the design
// asks for ("a real Secret Service ... the go-keyring mock is for unit tests only"): what
// passes here passes against the same daemon a Linux desktop runs.
//
// # Use
//
// Call [Require] first in a test that must talk to the real keyring, and return when it says so:
//
//	func TestSomethingWithRealKeyring(t *testing.T) {
//		if !secretservice.Require(t) {
//			return // the test ran (and passed or failed) in a child process
//		}
//		// From here on go-keyring (wallet.KeyringFactor with a nil Backend) reaches the private
//		// keyring, and os.Getenv("HOME") is a fresh temp folder.
//	}
//
// Require works in three situations:
//
//   - The environment variable PASPOR_TEST_SECRET_SERVICE=1 is set: the process already runs
//     under scripts/with-secret-service (or an equivalent); Require returns true.
//   - Otherwise, if dbus-run-session, dbus-send and gnome-keyring-daemon are installed, Require re-runs the
//     current test binary (os.Args[0]) with -test.run matching only the calling test, under
//     scripts/with-secret-service. The child's output is streamed into the parent test's log,
//     each line prefixed with "| "; the parent fails if the child fails. Require returns false
//     and the caller must return at once.
//   - Otherwise the test is skipped with a loud message naming the packages to install, except
//     when CI=true: CI must not skip this test, so there it fails instead.
//
// Each such test gets its own bus, daemon and HOME; running several is slower (about 0.1-0.3 s
// each) but they cannot see each other's items.
//
// # Command-line tests
//
// testscript (github.com/rogpeppe/go-internal/testscript) gives each script a clean
// environment, so pass the keyring's variables on in Params.Setup:
//
//	func TestScriptsRealKeyring(t *testing.T) {
//		if !secretservice.Require(t) {
//			return
//		}
//		testscript.Run(t, testscript.Params{
//			Dir: "testdata/keyring",
//			Setup: func(env *testscript.Env) error {
//				env.Vars = append(env.Vars, secretservice.Env()...)
//				return nil
//			},
//		})
//	}
//
// [Env] returns DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR and the keyring's other variables:
// without DBUS_SESSION_BUS_ADDRESS go-keyring cannot find the bus. HOME can stay testscript's.
//
// # By hand
//
// The script works on its own, for any command:
//
//	scripts/with-secret-service go test -run SecretService -v ./wallet/
//	scripts/with-secret-service bash -c 'printf s | secret-tool store --label=x service paspor username w && secret-tool lookup service paspor username w'
//
// Go's caches (GOCACHE, GOMODCACHE, GOPATH, GOENV) stay the caller's, so nothing is rebuilt or
// downloaded again. Needed on Debian: apt-get install gnome-keyring dbus dbus-x11
// (libsecret-tools for secret-tool).
package secretservice
