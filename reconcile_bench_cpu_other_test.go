//go:build !unix

package alipay

import "time"

// benchCPUTime cannot tell the process's CPU time here.
func benchCPUTime() time.Duration { return 0 }
