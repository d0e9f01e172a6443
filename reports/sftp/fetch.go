// Package sftp fetches Antom's reconciliation reports from the SFTP server
// Antom publishes them on (https://docs.antom.com/ac/marketplace/obtain_reports):
// it lists a day's files, downloads each atomically into a local
// directory and skips what an earlier run already fetched, so that a
// daily job can simply run again after any failure.
//
// Every download goes to a hidden temporary file (.NAME.SIZE-MTIME.part)
// beside its final name and is renamed only once its size matches the
// server's and the server's file did not change meanwhile: a file never
// exists under its final name half written. A dropped connection is
// retried, resuming the temporary file where it stopped; a file still
// being written on the server is left for the next run. The server's host
// key is checked against known_hosts or a pinned key, and an unknown
// server is refused.
//
// The same fetcher serves the legacy settlement files of the cross-border
// APP payment (package github.com/xborderpay/alipay/mapi), which Alipay
// delivers by SFTP as <PID>_fptrade_<yyyyMMdd>.csv: FetchDay matches them
// by their date like Antom's reports.
//
// The package lives in its own module so that its SSH and SFTP libraries
// stay out of the builds of services that only take payments.
package sftp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"time"
)

// Fetcher fetches report files from one SFTP account. It is safe for
// concurrent use, but runs writing into the same directory should not
// overlap.
type Fetcher struct {
	cfg Config
}

// NewFetcher checks cfg and returns a Fetcher. It does not connect.
func NewFetcher(cfg Config) (*Fetcher, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Fetcher{cfg: cfg}, nil
}

// RemoteFile is a file on the server.
type RemoteFile struct {
	Name    string
	Size    int64
	ModTime time.Time
}

// Status is what Fetch did with a file.
type Status string

// The outcomes of a file.
const (
	Downloaded Status = "downloaded" // fetched now (resumed, if a part was left)
	Skipped    Status = "skipped"    // already in the directory with the server's size
	Failed     Status = "failed"     // not saved: see File.Err
)

// File is the outcome of one file of a Fetch.
type File struct {
	RemoteFile
	Path    string // local path: the final name, whatever the status
	Status  Status
	Resumed int64 // bytes kept from an earlier, interrupted download
	Err     error // why it failed; ErrChanging for a file still being written
}

// Progress, when set on Fetch, is called as a file downloads, with the
// bytes it has so far (counting resumed ones) and its size.
type Progress func(name string, done, size int64)

// DayMatcher returns a match function for the files of day: names
// holding the date as yyyyMMdd, as Antom's report names do
// (TRANSACTION_DETAIL_<id>_<yyyyMMdd>.csv, SETTLEMENT_DETAIL_…) and the
// legacy <PID>_fptrade_<yyyyMMdd>.csv. Hidden files never match.
func DayMatcher(day time.Time) func(name string) bool {
	date := day.Format("20060102")
	return func(name string) bool { return !strings.HasPrefix(name, ".") && strings.Contains(name, date) }
}

// List returns the regular files in the remote directory that match, by
// name. A nil match lists every file.
func (f *Fetcher) List(ctx context.Context, match func(name string) bool) ([]RemoteFile, error) {
	s, err := f.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return f.list(ctx, s, match)
}

func (f *Fetcher) list(ctx context.Context, s *session, match func(string) bool) ([]RemoteFile, error) {
	infos, err := s.sftp.ReadDir(f.cfg.Dir)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("sftp: listing %s: %w", f.cfg.Dir, err)
	}
	var files []RemoteFile
	for _, info := range infos {
		if !info.Mode().IsRegular() || (match != nil && !match(info.Name())) {
			continue
		}
		files = append(files, RemoteFile{Name: info.Name(), Size: info.Size(), ModTime: info.ModTime()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// FetchDay fetches the files of day (see DayMatcher) into dir.
func (f *Fetcher) FetchDay(ctx context.Context, day time.Time, dir string, progress Progress) ([]File, error) {
	return f.Fetch(ctx, dir, DayMatcher(day), progress)
}

// Fetch downloads the matching files into dir, which must exist, and
// returns what happened to each. Files already in dir with the server's
// size are skipped. A file that fails does not stop the others: the error
// returned then joins every file's error (each wraps the file's cause,
// such as ErrChanging). A failure to connect, log in or trust the server
// returns at once, with no files; so does the end of ctx.
func (f *Fetcher) Fetch(ctx context.Context, dir string, match func(name string) bool, progress Progress) ([]File, error) {
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("sftp: local directory %s: %w", dir, errNotDir(err))
	}
	s, err := f.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if s != nil {
			s.close()
		}
	}()
	remote, err := f.list(ctx, s, match)
	if err != nil {
		return nil, err
	}
	var (
		files []File
		errs  []error
	)
	for _, rf := range remote {
		file := File{RemoteFile: rf, Status: Failed}
		for attempt := 1; ; attempt++ {
			err = f.download(ctx, s, dir, &file, progress)
			if err == nil || !retryable(err) || attempt == f.cfg.Attempts || ctx.Err() != nil {
				break
			}
			f.cfg.Logger.Debug("sftp: connection failed, reconnecting to resume", "file", rf.Name, "attempt", attempt, "err", err)
			s.close()
			if s, err = f.dial(ctx); err != nil {
				break // s is nil: no connection for the remaining files either
			}
		}
		if ctx.Err() != nil {
			return files, ctx.Err()
		}
		if err != nil {
			file.Status, file.Err = Failed, err
			errs = append(errs, fmt.Errorf("%s: %w", rf.Name, err))
		}
		f.cfg.Logger.Debug("sftp: file", "file", rf.Name, "status", file.Status, "size", rf.Size)
		files = append(files, file)
		if s == nil {
			return files, errors.Join(errs...)
		}
	}
	return files, errors.Join(errs...)
}

func errNotDir(err error) error {
	if err != nil {
		return err
	}
	return errors.New("not a directory")
}

// remotePath joins the remote directory and a listed name with forward
// slashes, as SFTP paths are.
func (f *Fetcher) remotePath(name string) string { return path.Join(f.cfg.Dir, name) }
