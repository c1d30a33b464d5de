package backup

import (
	"sort"
	"sync"
)

// jobSet counts the items in progress per job.
type jobSet struct {
	mu    sync.Mutex
	count map[string]int
}

// add counts one item of job until the returned function is called.
func (j *jobSet) add(job string) func() {
	if job == "" {
		return func() {}
	}
	j.mu.Lock()
	j.count[job]++
	j.mu.Unlock()
	return sync.OnceFunc(func() {
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.count[job]--; j.count[job] <= 0 {
			delete(j.count, job)
		}
	})
}

func (j *jobSet) list() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	jobs := make([]string, 0, len(j.count))
	for job := range j.count {
		jobs = append(jobs, job)
	}
	sort.Strings(jobs)
	return jobs
}
