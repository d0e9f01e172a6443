package alipay

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"time"
)

// decodeJSON decodes a body Antom wrote (a response, a notification) into
// v, reading every value bound for a time.Time the way parseTime reads it:
// RFC 3339, "+0800" offsets and the other forms Antom writes; an empty,
// null, unreadable or non-string value is the zero time, never an error. An
// answer Antom signed says what happened to a payment, and a timestamp must
// not turn it into a failure.
//
// It first decodes as encoding/json does, which reads RFC 3339 to the same
// instants as parseTime. Only when that fails does it rewrite each time
// value of raw that time.Time does not read into the RFC 3339 form of what
// parseTime reads of it, copying every other byte, and decode again; so the
// rewrite never changes a value the first decoding reads (FuzzDecodeJSON
// holds it to that).
// An error that has nothing to do with times (broken JSON, a string where a
// number belongs) is returned as encoding/json reports it.
func decodeJSON(raw []byte, v any) error {
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil
	}
	if fixed, ok := rewriteTimes(raw, v); ok {
		return json.Unmarshal(fixed, v)
	}
	return err
}

// rewriteTimes returns raw with every value bound for a time.Time in v (a
// pointer) replaced by the RFC 3339 form of what parseTime reads of it, or
// the zero time. ok is false when raw is not valid JSON or has no time
// value to replace.
func rewriteTimes(raw []byte, v any) (fixed []byte, ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || !json.Valid(raw) {
		return nil, false
	}
	w := timeRewrite{busy: map[reflect.Type]bool{}}
	fixed, err := w.value(make([]byte, 0, len(raw)), raw, rv.Type().Elem())
	return fixed, err == nil && w.changed
}

// timeRewrite copies a JSON value, replacing each value bound for a
// time.Time of the type it decodes into.
type timeRewrite struct {
	busy    map[reflect.Type]bool // types hasTime is looking into
	changed bool                  // some time value was replaced
}

// Types are few and never change, so what is learnt of one is kept, as
// encoding/json keeps its own view of each type.
var (
	hasTimeCache    sync.Map // reflect.Type → bool
	jsonFieldsCache sync.Map // reflect.Type → jsonFieldList
)

var (
	timeType            = reflect.TypeOf(time.Time{})
	jsonUnmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// value appends raw, a valid JSON value to be decoded into a t, to dst.
func (w *timeRewrite) value(dst, raw []byte, t reflect.Type) ([]byte, error) {
	if t == timeType {
		return w.time(dst, raw), nil
	}
	if !w.hasTime(t) || string(raw) == "null" {
		return append(dst, raw...), nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return w.value(dst, raw, t.Elem())
	case reflect.Slice, reflect.Array:
		if raw[0] == '[' {
			return w.array(dst, raw, t.Elem())
		}
	case reflect.Map:
		if raw[0] == '{' {
			return w.object(dst, raw, func(string) reflect.Type { return t.Elem() })
		}
	case reflect.Struct:
		if raw[0] == '{' {
			return w.object(dst, raw, w.structFields(t).lookup)
		}
	}
	return append(dst, raw...), nil // the wrong JSON type: decoding says so
}

// time appends raw if time.Time's own decoding reads it (so that the
// rewrite never changes what a decoding without it gives), else what
// parseTime reads of it as a JSON value that time.Time reads to the same
// instant.
func (w *timeRewrite) time(dst, raw []byte) []byte {
	var s string
	t := time.Time{}
	if string(raw) != "null" && t.UnmarshalJSON(raw) == nil {
		return append(dst, raw...)
	}
	t = time.Time{}
	if json.Unmarshal(raw, &s) == nil {
		if p, err := parseTime(s, nil); err == nil {
			t = p
		}
	}
	b, err := t.MarshalJSON()
	if err != nil { // an offset of 24 hours or more: keep the instant
		b, err = t.UTC().MarshalJSON()
	}
	if err != nil { // and that is before year 0: no RFC 3339 form
		b, _ = time.Time{}.MarshalJSON()
	}
	if !bytes.Equal(b, raw) {
		w.changed = true
	}
	return append(dst, b...)
}

func (w *timeRewrite) array(dst, raw []byte, elem reflect.Type) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	dst = append(dst, '[')
	for i := 0; dec.More(); i++ {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = w.value(dst, v, elem); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

// object copies the members of an object in order (so that a repeated key
// decodes as it would have), each value as the type field gives for its
// key, or verbatim when that is nil.
func (w *timeRewrite) object(dst, raw []byte, field func(key string) reflect.Type) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	dst = append(dst, '{')
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		k, err := json.Marshal(key)
		if err != nil {
			return nil, err
		}
		dst = append(append(dst, k...), ':')
		if t := field(key); t != nil {
			if dst, err = w.value(dst, v, t); err != nil {
				return nil, err
			}
		} else {
			dst = append(dst, v...)
		}
	}
	return append(dst, '}'), nil
}

// hasTime says whether a value of type t can hold a time.Time that
// encoding/json decodes itself: not inside a type with its own decoding.
func (w *timeRewrite) hasTime(t reflect.Type) bool {
	if t == timeType {
		return true
	}
	if has, ok := hasTimeCache.Load(t); ok {
		return has.(bool)
	}
	if w.busy[t] {
		return false // a recursive type holds a time only through its other fields
	}
	w.busy[t] = true
	has := false
	switch {
	case t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType)):
	case t.Kind() == reflect.Pointer, t.Kind() == reflect.Slice, t.Kind() == reflect.Array, t.Kind() == reflect.Map:
		has = w.hasTime(t.Elem())
	case t.Kind() == reflect.Struct:
		for _, f := range w.structFields(t) {
			if w.hasTime(f.typ) {
				has = true
				break
			}
		}
	}
	delete(w.busy, t)
	if has || len(w.busy) == 0 { // a false found inside a cycle may be wrong for the rest of it
		hasTimeCache.Store(t, has)
	}
	return has
}

func (w *timeRewrite) structFields(t reflect.Type) jsonFieldList {
	if l, ok := jsonFieldsCache.Load(t); ok {
		return l.(jsonFieldList)
	}
	l := jsonFields(t)
	jsonFieldsCache.Store(t, l)
	return l
}

// jsonField is a struct field as encoding/json names it.
type jsonField struct {
	name   string
	typ    reflect.Type
	depth  int  // of embedding
	tagged bool // named by its json tag
}

type jsonFieldList []jsonField

// jsonFields lists the fields encoding/json decodes into a struct of type
// t, by its rules: the json tag's name or the field's, the fields of an
// embedded struct without a name promoted, and of several fields with one
// name the least deeply embedded, if it is the only one at its depth or the
// only tagged one there.
func jsonFields(t reflect.Type) jsonFieldList {
	var all []jsonField
	var walk func(t reflect.Type, depth int, visited map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, visited map[reflect.Type]bool) {
		if visited[t] {
			return
		}
		visited[t] = true
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			ft := f.Type
			if f.Anonymous && ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !f.IsExported() && !(f.Anonymous && ft.Kind() == reflect.Struct) {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if name == "" && f.Anonymous && ft.Kind() == reflect.Struct {
				walk(ft, depth+1, visited)
				continue
			}
			if !f.IsExported() {
				continue
			}
			all = append(all, jsonField{name: name, typ: f.Type, depth: depth, tagged: name != ""})
			if name == "" {
				all[len(all)-1].name = f.Name
			}
		}
	}
	walk(t, 0, map[reflect.Type]bool{})

	var fields jsonFieldList
	for _, f := range all {
		rivals, tagged, hidden := 0, 0, false // rivals: f's name at f's depth, f included
		for _, g := range all {
			switch {
			case g.name != f.name:
			case g.depth < f.depth:
				hidden = true
			case g.depth == f.depth:
				rivals++
				if g.tagged {
					tagged++
				}
			}
		}
		if hidden || (rivals > 1 && !(f.tagged && tagged == 1)) {
			continue
		}
		fields = append(fields, f)
	}
	return fields
}

// lookup gives the type of the field a key decodes into, as encoding/json
// matches keys: exactly, or else ignoring case; nil when none.
func (l jsonFieldList) lookup(key string) reflect.Type {
	for _, f := range l {
		if f.name == key {
			return f.typ
		}
	}
	for _, f := range l {
		if strings.EqualFold(f.name, key) {
			return f.typ
		}
	}
	return nil
}
