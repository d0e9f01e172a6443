package mapi

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// ErrLineTooLong: a file line exceeded the line bound.
var ErrLineTooLong = errors.New("mapi: file line too long")

// lineReader reads a text file line by line in bounded memory, converting
// each line to UTF-8: a line that is valid UTF-8 is kept, any other is
// decoded as GBK, which Alipay's files use (spec §1.3, §6). GBK never uses
// '\n' inside a character, so splitting first is safe.
type lineReader struct {
	br   *bufio.Reader
	max  int
	line int
	gbk  *encoding.Decoder // set once a line was GBK: every later line is decoded too
	dec  []byte            // the last decoded line, reused
	err  error             // the first error other than io.EOF
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 4096), max: max}
}

// next returns the next line without its line ending, or io.EOF. The
// returned slice is valid until the next call. An error other than io.EOF
// is returned again by every later call: after a line too long or a read
// failure, what follows cannot be trusted to start a line.
func (lr *lineReader) next() ([]byte, error) {
	if lr.err != nil {
		return nil, lr.err
	}
	line, err := lr.read()
	if err != nil && err != io.EOF {
		lr.err = err
	}
	return line, err
}

func (lr *lineReader) read() ([]byte, error) {
	var buf []byte
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if len(buf)+len(chunk) > lr.max {
			return nil, fmt.Errorf("%w: line %d is over %d bytes", ErrLineTooLong, lr.line+1, lr.max)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			buf = append(buf, chunk...)
			continue
		}
		if buf != nil {
			chunk = append(buf, chunk...)
		}
		if err == io.EOF && len(chunk) == 0 {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		lr.line++
		for len(chunk) > 0 && (chunk[len(chunk)-1] == '\n' || chunk[len(chunk)-1] == '\r') {
			chunk = chunk[:len(chunk)-1]
		}
		if lr.line == 1 {
			chunk = bytes.TrimPrefix(chunk, []byte("\ufeff"))
		}
		if lr.gbk != nil || !utf8.Valid(chunk) {
			if lr.gbk == nil {
				lr.gbk = simplifiedchinese.GBK.NewDecoder()
			}
			// ASCII reads the same in both: only what follows the first
			// byte above it needs decoding.
			ascii := 0
			for ascii < len(chunk) && chunk[ascii] < utf8.RuneSelf {
				ascii++
			}
			dec, _, derr := transform.Append(lr.gbk, append(lr.dec[:0], chunk[:ascii]...), chunk[ascii:])
			if derr != nil {
				return nil, fmt.Errorf("mapi: line %d is neither UTF-8 nor GBK", lr.line)
			}
			lr.dec = dec
			chunk = dec
		}
		return chunk, nil
	}
}

// readAll turns a reader's Next into the iterator its All method returns:
// it ends at io.EOF and stops after the first error, which it yields.
func readAll[T any](next func() (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for {
			v, err := next()
			if err == io.EOF || !yield(v, err) || err != nil {
				return
			}
		}
	}
}
