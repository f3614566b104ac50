package zipread

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func archive(t *testing.T, n int, size int, name func(i int) string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range n {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name(i), Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(make([]byte, size))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestOpen(t *testing.T) {
	plain := func(i int) string { return fmt.Sprintf("f%d", i) }
	t.Run("atTheLimit", func(t *testing.T) {
		z := archive(t, 500, 1, plain)
		zr, err := Open(bytes.NewReader(z), int64(len(z)), 500)
		if err != nil || len(zr.File) != 500 {
			t.Fatalf("%v", err)
		}
	})
	t.Run("overTheLimit", func(t *testing.T) {
		z := archive(t, 501, 1, plain)
		if _, err := Open(bytes.NewReader(z), int64(len(z)), 500); !errors.Is(err, ErrTooManyEntries) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("prependedData", func(t *testing.T) {
		// A self-extracting archive: the directory's offsets are relative
		// to the archive, which starts later in the file.
		z := append(bytes.Repeat([]byte("x"), 1000), archive(t, 3, 1, plain)...)
		if n, err := countEntries(bytes.NewReader(z), int64(len(z)), 500); err != nil || n != 3 {
			t.Fatalf("%d, %v", n, err)
		}
	})
	t.Run("notAZip", func(t *testing.T) {
		if _, err := Open(bytes.NewReader([]byte("hello")), 5, 500); !errors.Is(err, ErrNotZip) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRead(t *testing.T) {
	z := archive(t, 2, 3000, func(i int) string { return fmt.Sprintf("f%d", i) })
	zr, err := Open(bytes.NewReader(z), int64(len(z)), 10)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := Read(zr.File[0], 3000); err != nil || len(b) != 3000 {
		t.Fatalf("%d, %v", len(b), err)
	}
	if _, err := Read(zr.File[1], 2999); !errors.Is(err, ErrEntryTooLarge) {
		t.Fatalf("err = %v", err)
	}
	// An entry that declares less than it holds is stopped at the limit.
	zr.File[1].UncompressedSize64 = 10
	if _, err := Read(zr.File[1], 100); err == nil {
		t.Fatal("a lying entry was read")
	}
}

func TestName(t *testing.T) {
	// 张三.lrmx as a zip tool on Chinese Windows stores it: GBK, no UTF-8 flag.
	z := archive(t, 1, 1, func(int) string { return "\xd5\xc5\xc8\xfd.lrmx" })
	zr, err := Open(bytes.NewReader(z), int64(len(z)), 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := Name(zr.File[0]); got != "张三.lrmx" {
		t.Fatalf("name %q", got)
	}
}
