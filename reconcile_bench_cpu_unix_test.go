//go:build unix

package alipay

import (
	"syscall"
	"time"
)

// benchCPUTime returns the CPU time the process has used so far, all
// threads (the garbage collector's too), or 0 if it cannot tell. On a
// shared machine it moves far less with other load than wall time does.
func benchCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
