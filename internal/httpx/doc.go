// Package httpx holds the protocol-neutral HTTP plumbing that package alipay
// (Antom's AMS API) and package mapi (the legacy MAPI gateway) share, so that
// the two cannot drift: the pooled HTTP client with redirects refused and a
// transport that a retry library cannot flush, the record of whether a
// request may have reached the server, the retry client, and the helpers
// that keep error text short and free of secrets.
package httpx
