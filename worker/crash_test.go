package worker_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/worker"
)

// TestWorkerKilledMidTranscodeResumes runs the real worker binary, kills it
// with SIGKILL while it is encoding the ladder, and starts it again: the
// entry completes with exactly one set of outputs, no encoder outlives the
// killed worker, and its work directory is swept.
func TestWorkerKilledMidTranscodeResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the worker binary")
	}
	t.Parallel()
	start := time.Now()
	f := newFixture(t, 120)
	bin := filepath.Join(t.TempDir(), "tryout")
	if b, err := exec.Command("go", "build", "-o", bin, "../cmd/tryout").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	data, _ := os.ReadFile(testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 30, Width: 854, Height: 480, Audio: true}))
	e := f.received(t, data)
	client := asynq.NewClientFromRedisClient(f.kit.Redis)
	q := tasks.NewQueue(client)
	ctx := context.Background()
	if err := q.EnqueueMediaProcess(ctx, tasks.MediaProcess{EntryID: e.ID, OriginalKey: e.Original.Key}); err != nil {
		t.Fatal(err)
	}
	tempDir := filepath.Join(t.TempDir(), "media")
	env := append(f.kit.Env(), "TRYOUT_MEDIA_TEMP_DIR="+tempDir, "TRYOUT_WORKER_CONCURRENCY=1", "TRYOUT_LOG_LEVEL=warn")

	t.Logf("set up in %s", time.Since(start).Round(time.Second))
	first := startWorker(t, bin, env)
	wait(t, f, e.ID, "the first worker to be encoding", func(got entries.Entry) bool {
		return got.Stage == "transcode" && got.Progress >= 20
	})
	t.Logf("killing the worker at %d%%", f.get(t, e.ID).Progress)
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	killedAt := time.Now()
	if got := f.get(t, e.ID); got.Status != entries.Processing || got.Renditions.Ready() {
		t.Fatalf("after the kill: %s %+v", got.Status, got.Renditions)
	}
	for i := 0; encoders(e.ID) > 0; i++ {
		if i == 100 {
			t.Fatal("an ffmpeg process outlived the killed worker")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if dirs, _ := os.ReadDir(tempDir); len(dirs) != 1 {
		t.Fatalf("the killed worker should have left its work directory: %v", dirs)
	}
	// asynq hands an unfinished task to another worker once its lease (30 s)
	// and a clock-skew allowance (30 s) have passed; a worker started after
	// that finds it at once, one started earlier within a minute.
	time.Sleep(time.Until(killedAt.Add(61 * time.Second)))
	second := startWorker(t, bin, env)
	t.Logf("restarted %s after the kill", time.Since(killedAt).Round(time.Second))
	wait(t, f, e.ID, "the entry to complete", func(got entries.Entry) bool { return got.Status != entries.Processing })
	t.Logf("completed %s after the kill", time.Since(killedAt).Round(time.Second))
	_ = second.Process.Signal(syscall.SIGTERM)
	_ = second.Wait()

	got := f.get(t, e.ID)
	if got.Status != entries.InReview || !got.Renditions.Ready() || got.Progress != 100 {
		t.Fatalf("after the restart: %s (%s) %+v", got.Status, got.StatusReason, got.Renditions)
	}
	assertOneOutputSet(t, f.kit, got)
	if dirs, _ := os.ReadDir(tempDir); len(dirs) != 0 {
		t.Errorf("work directories left: %v", dirs)
	}
}

func startWorker(t *testing.T, bin string, env []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "worker")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd
}

// wait polls the entry (ten times a second, at most 5 minutes) until ok.
func wait(t *testing.T, f *fixture, id, what string, ok func(entries.Entry) bool) {
	t.Helper()
	for range 3000 {
		if ok(f.get(t, id)) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("gave up waiting for %s: %+v", what, f.get(t, id))
}

// encoders counts running processes working on the entry's files.
func encoders(entryID string) int {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	n := 0
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), "task-"+entryID) {
			n++
		}
	}
	return n
}

func TestSweepTempDir(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	mk := func(name string, age time.Duration) {
		p := filepath.Join(parent, name)
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	self := os.Getpid()
	mk("task-en_live-"+strconv.Itoa(self)+"-1", time.Minute) // this process: kept
	mk("task-en_old-"+strconv.Itoa(self)+"-2", 4*time.Hour)  // too old for any task: removed
	mk("task-en_dead-999999999-3", time.Minute)              // no such process: removed
	mk("other", 4*time.Hour)                                 // not ours: kept
	n, err := worker.SweepTempDir(parent, 3*time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(parent)
	var names []string
	for _, d := range left {
		names = append(names, d.Name())
	}
	if n != 2 || strings.Join(names, ",") != "other,task-en_live-"+strconv.Itoa(self)+"-1" {
		t.Errorf("removed %d, left %v", n, names)
	}
}
