package main

// The test binary carries the time zone database, so that the scripts' TZ=Etc/GMT-14 and
// TZ=Etc/GMT+12 mean those zones on a machine without /usr/share/zoneinfo too (Go would
// otherwise fall back to UTC without a word, and the time-zone checks would fail for the
// wrong reason). paspor itself uses the system's database.
import _ "time/tzdata"
