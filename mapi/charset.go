package mapi

import (
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Charset is the encoding of a file or notification: UTF-8 or GBK, the
// two Alipay uses (the gateway takes GBK or UTF-8,
// https://docs.antom.com/ac/global/single_trade_query; SFTP files have been
// GBK).
type Charset string

// Charsets.
const (
	// CharsetAuto decides per file: a UTF-8 byte order mark means UTF-8;
	// otherwise the file is UTF-8 only if the whole sample read at its first
	// non-ASCII line (up to 64 KiB) is valid UTF-8, and GBK if not. A GBK
	// file is never read as UTF-8 line by line, so a GBK row whose bytes
	// happen to be valid UTF-8 (common for short Chinese text) is decoded
	// as GBK like the rest. A GBK file whose sample is all valid UTF-8 cannot
	// be told from UTF-8: set the charset to CharsetGBK for such files.
	CharsetAuto Charset = ""
	CharsetUTF8 Charset = "UTF-8"
	CharsetGBK  Charset = "GBK" // GB2312 is a subset and reads the same
)

// charsetSampleSize is how much of a file CharsetAuto looks at, and the
// size of the buffer that holds it.
const charsetSampleSize = 64 << 10

// ParseCharset maps a charset name as Alipay or an HTTP header writes it
// (utf-8, UTF-8, gbk, GB2312, ...) to a Charset. The empty name is
// CharsetAuto.
func ParseCharset(name string) (Charset, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "":
		return CharsetAuto, nil
	case "utf-8", "utf8":
		return CharsetUTF8, nil
	case "gbk", "gb2312", "cp936":
		return CharsetGBK, nil
	}
	return "", fmt.Errorf("mapi: charset %q is neither UTF-8 nor GBK", truncate(name, 40))
}

// declaredCharset returns the charset a Content-Type header declares, or
// CharsetAuto when it declares none this package knows.
func declaredCharset(contentType string) Charset {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return CharsetAuto
	}
	cs, err := ParseCharset(params["charset"])
	if err != nil {
		return CharsetAuto
	}
	return cs
}

// charsetDecision records how a lineReader chose its charset, for errors.
type charsetDecision uint8

const (
	undecided charsetDecision = iota
	decidedSet
	decidedUTF8BOM
	decidedSampleUTF8
	decidedSampleGBK
)

func (d charsetDecision) String() string {
	switch d {
	case decidedSet:
		return "as set on the reader"
	case decidedUTF8BOM:
		return "UTF-8 by its byte order mark"
	case decidedSampleUTF8:
		return "detected as UTF-8 on a sample"
	case decidedSampleGBK:
		return "detected as GBK on a sample"
	}
	return "undecided"
}

func (lr *lineReader) forced() Charset {
	if lr.cs == nil {
		return CharsetAuto
	}
	return *lr.cs
}

// decideCharset fixes the file's charset at its first non-ASCII line:
// the charset set on the reader if any, else the verdict on line and the
// sample that follows it in the buffer.
func (lr *lineReader) decideCharset(line []byte) {
	switch lr.forced() {
	case CharsetGBK:
		lr.decide = decidedSet
	case CharsetUTF8:
		lr.decide = decidedSet
		return
	default:
		sample, _ := lr.br.Peek(charsetSampleSize)
		if utf8.Valid(line) && validUTF8Prefix(sample) {
			lr.decide = decidedSampleUTF8
			return
		}
		lr.decide = decidedSampleGBK
	}
	lr.gbk = simplifiedchinese.GBK.NewDecoder()
}

// validUTF8Prefix reports whether b is valid UTF-8 but for a character cut
// at its end by the sample's size.
func validUTF8Prefix(b []byte) bool {
	for cut := 0; cut < utf8.UTFMax && cut <= len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			if cut == 0 {
				return true
			}
			// Only a truncated multi-byte start may be cut off.
			return !utf8.FullRune(b[len(b)-cut:])
		}
	}
	return false
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
