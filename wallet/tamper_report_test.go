package wallet

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// failingOutcomes are the classes a flip must never end in. A crash is counted and logged
// as a finding, not failed on: bbolt follows offsets read from the file with unsafe pointer
// arithmetic, and a damaged element of an inline bucket (which bbolt copies to the Go heap
// when it is unaligned) can yield a pointer into the heap that the garbage collector rejects
// with a fatal "found bad pointer in Go heap" that no recover can catch. It hits a few flips
// of some layouts; the child processes keep it from ending the sweep.
var failingOutcomes = map[string]bool{outcomeWrong: true, outcomeUntyped: true, outcomeHang: true}

// reportTamper logs the sweep's figures (flips by region and outcome, documents still
// readable) and fails on every flip of a failing class and every flip inside one document's
// data that made another document unreadable.
func reportTamper(t *testing.T, plan *tamperPlan, results []flipResult) {
	byOutcome := map[string]int{}
	byRegion := map[string]map[string]int{}
	readable := map[string]int{} // region -> sum of documents still readable
	var local, localKept, faults int
	failures, crashes := 0, 0
	for i, r := range results {
		f := plan.Flips[i]
		byOutcome[r.Outcome]++
		if strings.Contains(r.Detail, "store fault") {
			if faults++; faults <= 5 { // a bbolt panic or memory fault that guarded turned into ErrCorrupt
				t.Logf("recovered at offset %d (%s): %s", plan.Flips[i].Offset, plan.Flips[i].Region, r.Detail)
			}
		}
		if byRegion[f.Region] == nil {
			byRegion[f.Region] = map[string]int{}
		}
		byRegion[f.Region][r.Outcome]++
		readable[f.Region] += len(r.Readable)
		if r.Outcome == outcomeRollback && f.Region != "meta" {
			r.Outcome = outcomeWrong // only a damaged meta page may fall back to the older one
		}
		if r.Outcome == outcomeCrash {
			if crashes++; crashes > 5 {
				continue
			}
			t.Logf("FINDING: flip %d (offset %d ^ %#02x, %s, writable %v) killed the process: %s",
				i, f.Offset, f.Mask, f.Region, f.Writable, r.Detail)
		}
		if failingOutcomes[r.Outcome] {
			if failures++; failures <= 20 || r.Outcome == outcomeHang {
				t.Errorf("flip %d (offset %d ^ %#02x, %s, writable %v): %s: %s",
					i, f.Offset, f.Mask, f.Region, f.Writable, r.Outcome, r.Detail)
			}
		}
		if f.Owner == "" || failingOutcomes[r.Outcome] || r.Outcome == outcomeCrash {
			continue
		}
		local++
		if missing := otherUnreadable(plan, f.Owner, r.Readable); len(missing) == 0 {
			localKept++
		} else if failures++; failures <= 20 {
			t.Errorf("flip %d (offset %d, %s of %s) also made %s unreadable: %s",
				i, f.Offset, f.Region, f.Owner, strings.Join(missing, ", "), r.Detail)
		}
	}
	if failures > 20 {
		t.Errorf("... and %d more failing flips", failures-20)
	}
	t.Logf("outcomes: %s", formatCounts(byOutcome))
	regions := make([]string, 0, len(byRegion))
	for region := range byRegion {
		regions = append(regions, region)
	}
	sort.Strings(regions)
	for _, region := range regions {
		n := 0
		for _, c := range byRegion[region] {
			n += c
		}
		t.Logf("  %-9s %4d flips: %s; documents still readable: %.1f of %d on average", region, n,
			formatCounts(byRegion[region]), float64(readable[region])/float64(n), len(plan.Docs))
	}
	t.Logf("bbolt panics or faults recovered as ErrCorrupt (at least): %d", faults)
	t.Logf("locality: %d flips inside one document's blob; %d left every other document readable",
		local, localKept)
	for _, want := range []string{"meta", "freelist", "leaf", "record", "index", "state", "list", "blob"} {
		if byRegion[want] == nil {
			t.Errorf("no flip landed in a %s region: the wallet or the sample does not cover it", want)
		}
	}
}

// otherUnreadable lists the documents other than owner that are missing from readable.
func otherUnreadable(plan *tamperPlan, owner string, readable []string) []string {
	ok := map[string]bool{}
	for _, id := range readable {
		ok[id] = true
	}
	var missing []string
	for _, d := range plan.Docs {
		if d.ID != owner && !ok[d.ID] {
			missing = append(missing, d.ID)
		}
	}
	return missing
}

func formatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
