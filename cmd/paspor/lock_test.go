package main

import (
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
	bolt "go.etcd.io/bbolt"
)

var heldLocks sync.Map // *testscript.TestScript -> *bolt.DB

// lockScriptCommands let a script hold the wallet's lock from another process (the test
// process), the way a second paspor would.
func lockScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// holdlock WALLET: open the wallet file read-write and keep its exclusive lock.
		"holdlock": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: holdlock WALLET")
			}
			db, err := bolt.Open(ts.MkAbs(args[0]), 0o600, nil)
			ts.Check(err)
			heldLocks.Store(ts, db)
			ts.Defer(func() { db.Close() })
		},
		// releaselock: let go of the lock holdlock took.
		"releaselock": func(ts *testscript.TestScript, neg bool, args []string) {
			if db, ok := heldLocks.LoadAndDelete(ts); ok {
				ts.Check(db.(*bolt.DB).Close())
			}
		},
	}
}
