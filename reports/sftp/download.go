package sftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/pkg/sftp"
)

// download fetches one file into dir atomically, resuming a part left by
// an earlier attempt or run when it is of the same remote file.
func (f *Fetcher) download(ctx context.Context, s *session, dir string, file *File, progress Progress) error {
	rf := file.RemoteFile
	if !safeName(rf.Name) {
		return fmt.Errorf("%w: %q", ErrUnsafeName, rf.Name)
	}
	file.Path = filepath.Join(dir, rf.Name)
	if rf.Size > f.cfg.MaxFileSize {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, rf.Size, f.cfg.MaxFileSize)
	}
	if info, err := os.Stat(file.Path); err == nil && info.Mode().IsRegular() && info.Size() == rf.Size {
		file.Status = Skipped
		return nil
	}

	// The part's name says which remote file it holds, so a part of a file
	// that has changed since is never resumed.
	part := filepath.Join(dir, "."+rf.Name+"."+strconv.FormatInt(rf.Size, 10)+"-"+strconv.FormatInt(rf.ModTime.Unix(), 10)+".part")
	removeStaleParts(dir, rf.Name, part)

	src, err := s.sftp.Open(f.remotePath(rf.Name))
	if err != nil {
		return f.transferError(ctx, "opening", err)
	}
	defer src.Close()
	dst, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sftp: %w", err)
	}
	defer dst.Close()
	have, err := dst.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("sftp: %w", err)
	}
	if have > rf.Size { // cannot be this file's: start again
		if err := dst.Truncate(0); err != nil {
			return fmt.Errorf("sftp: %w", err)
		}
		if have, err = dst.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("sftp: %w", err)
		}
	}
	file.Resumed = have
	if _, err := src.Seek(have, io.SeekStart); err != nil {
		return f.transferError(ctx, "reading", err)
	}

	// Read one byte more than the listed size: getting it means the file
	// grew since it was listed.
	w := &counter{w: dst, done: have, size: rf.Size, name: rf.Name, progress: progress}
	_, err = io.Copy(w, io.LimitReader(src, rf.Size-have+1))
	if err != nil {
		return f.transferError(ctx, "reading", err)
	}
	switch {
	case w.done > rf.Size:
		_ = os.Remove(part)
		return fmt.Errorf("%w: more than the %d bytes listed", ErrChanging, rf.Size)
	case w.done < rf.Size:
		_ = os.Remove(part)
		return fmt.Errorf("%w: %d of the %d bytes listed", ErrChanging, w.done, rf.Size)
	}
	after, err := src.Stat()
	if err != nil {
		return f.transferError(ctx, "checking", err)
	}
	if after.Size() != rf.Size || !after.ModTime().Equal(rf.ModTime) {
		_ = os.Remove(part)
		return fmt.Errorf("%w: now %d bytes, modified %s", ErrChanging, after.Size(), after.ModTime().UTC().Format("15:04:05"))
	}
	if err := ctx.Err(); err != nil {
		return err // complete, but the caller gave up: the part is renamed by the next run
	}
	if err := dst.Sync(); err != nil {
		return fmt.Errorf("sftp: %w", err)
	}
	if err := dst.Close(); err != nil {
		return fmt.Errorf("sftp: %w", err)
	}
	if err := os.Rename(part, file.Path); err != nil {
		return fmt.Errorf("sftp: %w", err)
	}
	file.Status = Downloaded
	return nil
}

// safeName accepts a plain file name only: a hostile or broken server
// must not make the fetcher write outside its directory or over its own
// part files.
func safeName(name string) bool {
	return name != "" && len(name) <= 255 && !strings.HasPrefix(name, ".") &&
		!strings.ContainsAny(name, "/\\\x00") && filepath.Base(name) == name && filepath.IsLocal(name)
}

// removeStaleParts deletes parts of name other than keep: they hold an
// earlier version of the remote file.
func removeStaleParts(dir, name, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + name + "."
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".part") && filepath.Join(dir, n) != keep {
			_ = os.Remove(filepath.Join(dir, n))
		}
	}
}

// transferError says what failed, or that ctx ended.
func (f *Fetcher) transferError(ctx context.Context, doing string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("sftp: %s: %w", doing, err)
}

// retryable reports whether err is the connection failing, after which a
// new connection may resume the file.
func retryable(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, sftp.ErrSSHFxConnectionLost), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.As(err, &ne):
		return true
	}
	return false
}

// counter passes writes on and reports progress.
type counter struct {
	w          io.Writer
	done, size int64
	name       string
	progress   Progress
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.done += int64(n)
	if c.progress != nil {
		c.progress(c.name, c.done, c.size)
	}
	return n, err
}
