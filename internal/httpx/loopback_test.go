package httpx

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true,
		"": false, "localhost.evil.example": false, "10.0.0.1": false, "192.168.1.1": false,
		"::ffff:10.0.0.1": false, "example.com": false, "0.0.0.0": false,
	} {
		assert.Equal(t, want, IsLoopbackHost(host), host)
	}
}
