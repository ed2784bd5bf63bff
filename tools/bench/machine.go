package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// machine is what the report says the figures were measured on.
type machine struct {
	cpu, cores, memory, disk, kernel, goVersion, ageVersion, date string
}

func (m machine) lines() [][2]string {
	return [][2]string{{"CPU", m.cpu}, {"cores", m.cores}, {"memory", m.memory}, {"work folder", m.disk},
		{"kernel", m.kernel}, {"Go", m.goVersion}, {"age", m.ageVersion}, {"date", m.date}}
}

func describeMachine(ctx context.Context, dir, age string) machine {
	m := machine{
		cpu:       procField("/proc/cpuinfo", "model name"),
		cores:     fmt.Sprint(runtime.NumCPU()),
		memory:    memTotal(),
		disk:      describeDisk(ctx, dir),
		goVersion: runtime.Version(),
		date:      time.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = runtime.GOOS + " " + strings.TrimSpace(string(b))
	}
	if out, err := exec.CommandContext(ctx, age, "--version").Output(); err == nil {
		m.ageVersion = strings.TrimSpace(string(out)) + " (" + age + ")"
	}
	return m
}

// procField returns the first "name: value" of a /proc file, or "unknown".
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// describeDisk names the device and filesystem under dir, and whether the kernel thinks the
// disk spins.
func describeDisk(ctx context.Context, dir string) string {
	out, err := exec.CommandContext(ctx, "df", "-PT", dir).Output()
	if err != nil {
		return dir
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	if len(f) < 7 {
		return dir
	}
	desc := fmt.Sprintf("%s on %s, %s", filepath.Dir(dir), f[0], f[1])
	dev := filepath.Base(f[0])
	if b, err := os.ReadFile("/sys/class/block/" + dev + "/queue/rotational"); err == nil {
		if strings.TrimSpace(string(b)) == "1" {
			desc += ", rotational"
		} else {
			desc += ", non-rotational"
		}
	}
	return desc
}

// memTotal turns /proc/meminfo's "24684084 kB" into GiB.
func memTotal() string {
	v := procField("/proc/meminfo", "MemTotal")
	var kib int64
	if _, err := fmt.Sscanf(v, "%d kB", &kib); err != nil {
		return v
	}
	return fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
}
