package main

import (
	"io"
	"path/filepath"

	"github.com/adrg/xdg"

	"github.com/paspor/paspor/export"
)

// stageLogDir is where open and telegram open record the staging folders that hold
// unverified plaintext while they exist ($XDG_STATE_HOME/paspor/staging), so that the next
// paspor command of any kind removes one that a kill left behind.
func stageLogDir() string {
	xdg.Reload()
	return filepath.Join(xdg.StateHome, "paspor", "staging")
}

// sweepKilledStages removes the recorded staging folders that no live paspor holds. Every
// command runs it first; a failure is a warning, never a reason to refuse the command.
func sweepKilledStages(stderr io.Writer) {
	if err := export.SweepStages(stageLogDir()); err != nil {
		warnf(stderr, "%s", lower(err.Error()))
	}
}
