package worker

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// taskDirPrefix names a media task's work directory:
// task-<entry>-<worker pid>-<random>.
const taskDirPrefix = "task-"

// newTaskDir makes a work directory for one media task under parent.
func newTaskDir(parent, entryID string) (string, error) {
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", fmt.Errorf("media: temp dir: %w", err)
	}
	dir, err := os.MkdirTemp(parent, taskDirPrefix+entryID+"-"+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", fmt.Errorf("media: temp dir: %w", err)
	}
	return dir, nil
}

// SweepTempDir removes work directories a crashed worker left behind: those
// whose worker process is gone, and any older than maxAge (longer than a
// task may run). A worker calls it as it starts; directories of workers
// still running on the same machine are left alone.
func SweepTempDir(parent string, maxAge time.Duration, now time.Time) (int, error) {
	list, err := os.ReadDir(parent)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, d := range list {
		name := d.Name()
		if !d.IsDir() || !strings.HasPrefix(name, taskDirPrefix) {
			continue
		}
		info, err := d.Info()
		if err != nil {
			continue
		}
		if processAlive(ownerPID(name)) && now.Sub(info.ModTime()) < maxAge {
			continue
		}
		if err := os.RemoveAll(filepath.Join(parent, name)); err != nil {
			return removed, err
		}
		removed++
	}
	return removed, nil
}

// ownerPID reads the worker pid from a task directory's name (0 if none).
func ownerPID(name string) int {
	parts := strings.Split(strings.TrimPrefix(name, taskDirPrefix), "-")
	if len(parts) < 3 {
		return 0
	}
	pid, _ := strconv.Atoi(parts[len(parts)-2])
	return pid
}

// processAlive reports whether a process with pid exists on this machine.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
