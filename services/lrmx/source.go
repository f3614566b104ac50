package lrmx

import (
	"archive/zip"
	"crypto/sha256"
	"errors"
	"io"
	"path"
	"strings"

	"efile/services/errs"
	"efile/services/text"
	"efile/services/zipread"
)

// The files of an upload: one .lrmx, or the entries of a zip, each read
// within MaxFileSize only when asked, so that no more than one file is in
// memory at a time.

// entry is one file of an upload, read (bounded) when asked.
type entry struct {
	name string
	read func() ([]byte, error)
}

// errTooLarge is a file over MaxFileSize.
var errTooLarge = errors.New("too large")

// readEntry reads and parses one file; nil and its problem when it cannot.
func readEntry(en entry) (*Parsed, []problem) {
	if !strings.EqualFold(path.Ext(en.name), ".lrmx") {
		return nil, []problem{{msg: errs.M("不是 .lrmx 文件；压缩包中只能有任免审批表（.lrmx）文件")}}
	}
	data, err := en.read()
	switch {
	case errors.Is(err, errTooLarge):
		return nil, []problem{{msg: errs.M("超过 %d MiB；一个任免审批表文件不会这么大", MaxFileSize>>20)}}
	case err != nil:
		return nil, []problem{{msg: errs.M("无法从压缩包中读出（压缩包已损坏，或使用了不支持的压缩方式或加密）")}}
	}
	f, perr := Parse(data)
	if perr != nil {
		return nil, []problem{{element: perr.Element, item: perr.Item, msg: perr.Msg}}
	}
	return f, nil
}

// entries lists the files of an upload: the file itself, or the entries of
// a zip (directories and the litter of archivers left out), each read
// within MaxFileSize when asked.
func entries(up Upload) ([]entry, error) {
	head := make([]byte, 4)
	n, err := up.File.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	if !zipread.IsZip(head[:n]) {
		name := fileName(up.Name)
		return []entry{{name: name, read: func() ([]byte, error) {
			if up.Size > MaxFileSize {
				return nil, errTooLarge
			}
			b := make([]byte, up.Size)
			_, err := up.File.ReadAt(b, 0)
			if err == io.EOF {
				err = nil
			}
			return b, err
		}}}, nil
	}
	zr, err := zipread.Open(up.File, up.Size, MaxEntries)
	switch {
	case errors.Is(err, zipread.ErrTooManyEntries):
		return nil, errs.Invalid("file", "a zip may hold at most %d files", MaxEntries)
	case errors.Is(err, zipread.ErrZip64):
		return nil, errs.Invalid("file", "the zip is in the ZIP64 format, which an upload of this size never needs; zip the .lrmx files again")
	case err != nil && !errors.Is(err, zip.ErrInsecurePath):
		return nil, errs.Invalid("file", "the zip cannot be read (damaged or not a zip file)")
	}
	var out []entry
	names := map[string]bool{}
	for _, zf := range zr.File {
		name := fileName(zipread.Name(zf))
		base := path.Base(name)
		if zf.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(base, "._") ||
			base == ".DS_Store" || strings.EqualFold(base, "Thumbs.db") {
			continue
		}
		if names[name] {
			return nil, errs.Invalid("file", "the zip holds two files named %s", text.Cut(name))
		}
		names[name] = true
		out = append(out, entry{name: name, read: func() ([]byte, error) {
			b, err := zipread.Read(zf, MaxFileSize)
			if errors.Is(err, zipread.ErrEntryTooLarge) {
				return nil, errTooLarge
			}
			return b, err
		}})
	}
	return out, nil
}

// fileName is a file's name as the report shows it: valid text without
// control characters, at most maxFileName characters.
func fileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if r := []rune(s); len(r) > maxFileName {
		s = string(r[:maxFileName-1]) + "…"
	}
	if s == "" {
		s = "upload.lrmx"
	}
	return s
}

// photoOf reads the photo of a file again, for writing it: the same bytes
// that were checked (sum), or an error.
func (s *Service) photoOf(en entry, sum [32]byte) ([]byte, error) {
	data, err := en.read()
	if err != nil {
		return nil, err
	}
	f, perr := Parse(data)
	if perr != nil {
		return nil, perr
	}
	b, ok := decodePhoto(f.Form.Fields[ZhaoPian])
	if !ok || sha256.Sum256(b) != sum {
		return nil, errors.New("lrmx: the photo read again is not the one checked")
	}
	return b, nil
}
