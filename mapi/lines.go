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
	"golang.org/x/text/transform"
)

// ErrLineTooLong: a file line exceeded the line bound.
var ErrLineTooLong = errors.New("mapi: file line too long")

// lineReader reads a text file line by line in bounded memory, converting
// each line to UTF-8 from the file's charset, UTF-8 or GBK (which Alipay's
// files use, docs/protocol/mapi.md §1.3, §6). The charset is decided once per file (see
// charsetDecision), never line by line: a GBK line whose bytes happen to
// be valid UTF-8 is still GBK. GBK never uses '\n' inside a character, so
// splitting first is safe.
type lineReader struct {
	br     *bufio.Reader
	max    int
	line   int
	cs     *Charset          // the reader's Charset field, read at the first non-ASCII line; nil means CharsetAuto
	decide charsetDecision   // how the charset was decided, once it was
	gbk    *encoding.Decoder // set once the file is known to be GBK
	dec    []byte            // the last decoded line, reused
	err    error             // the first error other than io.EOF
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, charsetSampleSize), max: max}
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
		if lr.line == 1 && len(chunk) >= 3 && string(chunk[:3]) == "\ufeff" {
			chunk = chunk[3:]
			if lr.decide == undecided && lr.forced() == CharsetAuto {
				lr.decide = decidedUTF8BOM
			}
		}
		if lr.decide == undecided && !isASCII(chunk) {
			// The sample is peeked from the buffer chunk points into,
			// which peeking may move: keep a copy (once per file).
			chunk = append([]byte(nil), chunk...)
			lr.decideCharset(chunk)
		}
		switch {
		case lr.gbk != nil:
			// ASCII reads the same in both: only what follows the first
			// byte above it needs decoding.
			ascii := 0
			for ascii < len(chunk) && chunk[ascii] < utf8.RuneSelf {
				ascii++
			}
			if ascii == len(chunk) {
				break
			}
			dec, _, derr := transform.Append(lr.gbk, append(lr.dec[:0], chunk[:ascii]...), chunk[ascii:])
			// The decoder writes U+FFFD for what GBK does not define: such
			// a line is not GBK (a UTF-8 line in a GBK file), and garbling
			// it silently would pass wrong text on.
			if derr != nil || bytes.ContainsRune(dec, utf8.RuneError) {
				return nil, fmt.Errorf("mapi: line %d is not GBK, the charset of this file (%s); set the reader's Charset if the file is UTF-8", lr.line, lr.decide)
			}
			lr.dec = dec
			chunk = dec
		case !utf8.Valid(chunk):
			return nil, fmt.Errorf("mapi: line %d is not UTF-8, the charset of this file (%s); set the reader's Charset to CharsetGBK if the file is GBK", lr.line, lr.decide)
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
