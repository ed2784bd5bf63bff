// Command bench measures paspor against the tools a user would otherwise reach for (age,
// tar, ssh-keygen, sha256sum) and writes the results, with the machine they ran on, to
// BENCHMARKS.md. `make bench` runs it; `go run ./tools/bench -quick` is a smoke run.
//
// # What it measures
//
// Each comparison runs the real binaries side by side in one process, alternating paspor and
// the anchor (the order swaps every run so drift hits both), and reports medians:
//
//   - add: a 256 MiB scan into a fresh cheap-KDF wallet vs `age -e -r R -o F scan && sync`;
//   - share: three documents with 100 MiB of scans vs `tar -c | age -e -r R > out && sync`;
//   - open: 1,000 small bundles with `paspor open --jobs <cores>` vs the stock pipeline per
//     bundle (age -d | tar -x, ssh-keygen -Y verify, sha256sum -c) on as many parallel jobs;
//   - list of 1,000 documents and the unlock of an empty wallet, minus the KDF, timed here
//     in-process with the wallet's parameters;
//   - the peak resident set (VmHWM) of add, get, share and open with a 512 MiB scan, from a
//     second binary linked with main.testOnlyPeakRSSFile;
//   - the KDF alone at the default and at the cheap setting.
//
// Every timed run starts after an untimed sync(2), so dirty pages of the previous run are not
// flushed on the next run's clock. Work files live in one temporary folder (-dir), removed at
// the end. -scale shrinks or grows every size and count; -quick is -scale 1/256 -runs 1.
package main
