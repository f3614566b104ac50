// Package lrmxtest makes the hostile uploads the LRMX import is tested
// against (SPEC 16's limits): entity bombs, zip bombs, archives of too many
// entries or of entries that lie about their size, deep nesting, huge text.
// Each is small to send and would be huge to expand. For tests only.
package lrmxtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"strings"
)

// BillionLaughs is the classic entity bomb: ten levels of ten references,
// 10^9 "lol"s if any entity were expanded.
func BillionLaughs() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n<!DOCTYPE Person [\n  <!ENTITY lol \"lol\">\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  <!ENTITY lol%d \"%s\">\n", i, strings.Repeat(fmt.Sprintf("&lol%s;", suffix(i-1)), 10))
	}
	b.WriteString("]>\n<Person><XingMing>&lol9;</XingMing></Person>\n")
	return []byte(b.String())
}

func suffix(i int) string {
	if i == 0 {
		return ""
	}
	return fmt.Sprint(i)
}

// ExternalEntity asks for a file of the server (XXE).
func ExternalEntity() []byte {
	return []byte(`<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]><Person><XingMing>&x;</XingMing></Person>`)
}

// UndeclaredEntity refers to an entity no DTD declares (no DOCTYPE at all).
func UndeclaredEntity() []byte {
	return []byte(`<?xml version="1.0"?><Person><XingMing>&lol9;</XingMing></Person>`)
}

// DeepNesting is depth elements nested in one another under <Person>.
func DeepNesting(depth int) []byte {
	return []byte("<Person>" + strings.Repeat("<a>", depth) + strings.Repeat("</a>", depth) + "</Person>")
}

// HugeText is a form whose JiGuan holds n bytes of text.
func HugeText(n int) []byte {
	return []byte("<Person><JiGuan>" + strings.Repeat("字", n/3) + "</JiGuan></Person>")
}

// Zip makes a zip of files (name → content, deflated), in the order given.
func Zip(names []string, files map[string][]byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			panic(err)
		}
		w.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// ZipBomb is a zip of one .lrmx entry of size bytes of zeros (about a
// thousandth of that, deflated), honestly declared.
func ZipBomb(size int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("bomb.lrmx")
	if err != nil {
		panic(err)
	}
	zero := make([]byte, 1<<20)
	for n := 0; n < size; n += len(zero) {
		w.Write(zero[:min(len(zero), size-n)])
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// LyingZip is a zip of one .lrmx entry that declares 100 bytes but
// inflates to size bytes (its CRC is that of the whole).
func LyingZip(size int) []byte {
	data := bytes.Repeat([]byte("<Person></Person>"), size/17+1)[:size]
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "liar.lrmx", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 100})
	if err != nil {
		panic(err)
	}
	w.Write(deflated.Bytes())
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// ManyEntries is a zip of n tiny .lrmx entries.
func ManyEntries(n int) []byte {
	names := make([]string, n)
	files := map[string][]byte{}
	for i := range names {
		names[i] = fmt.Sprintf("f%04d.lrmx", i)
		files[names[i]] = []byte("<Person></Person>")
	}
	return Zip(names, files)
}

// FullForms is a zip of n forms as large as the rules allow: 60 resume
// lines of 500 characters, ten family members, a photo of photoSize bytes
// (a PNG header and zeros: it deflates to nearly nothing; at most 512 KiB),
// for ID numbers made by id(i). It is what the import must hold at once.
func FullForms(n, photoSize int, id func(i int) string) []byte {
	photo := base64.StdEncoding.EncodeToString(append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, photoSize-8)...))
	var resume strings.Builder
	for i := range 60 {
		fmt.Fprintf(&resume, "%d.01--%d.01  %s\n", 1960+i, 1961+i, strings.Repeat("经", 500))
	}
	var family strings.Builder
	for range 10 {
		family.WriteString("<Item><ChengWei>子女</ChengWei><XingMing>" + strings.Repeat("名", 200) + "</XingMing><ChuShengRiQi>200001</ChuShengRiQi>" +
			"<ZhengZhiMianMao>群众</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>" + strings.Repeat("职", 200) + "</GongZuoDanWeiJiZhiWu></Item>")
	}
	names := make([]string, n)
	files := map[string][]byte{}
	for i := range names {
		names[i] = fmt.Sprintf("f%04d.lrmx", i)
		files[names[i]] = []byte("<Person><XingMing>张三</XingMing><XingBie>男</XingBie><ShenFenZheng>" + id(i) +
			"</ShenFenZheng><XianRenZhiWu>科员</XianRenZhiWu><CanJiaGongZuoShiJian>196001</CanJiaGongZuoShiJian><MinZu>" +
			strings.Repeat("民", 200) + "</MinZu><JianLi>" + resume.String() + "</JianLi><JiaTingChengYuan>" + family.String() +
			"</JiaTingChengYuan><ZhaoPian>" + photo + "</ZhaoPian></Person>")
	}
	return Zip(names, files)
}

// Form is a small, valid form of a man born on the ID number's date, who
// started work at 22, with a photo.
func Form(id string, photo []byte) []byte {
	year := id[6:10]
	y := 0
	fmt.Sscan(year, &y)
	return []byte("<Person><XingMing>王五</XingMing><XingBie>男</XingBie><ShenFenZheng>" + id +
		"</ShenFenZheng><XianRenZhiWu>科员</XianRenZhiWu><CanJiaGongZuoShiJian>" + fmt.Sprintf("%d07", y+22) +
		"</CanJiaGongZuoShiJian><ZhaoPian>" + base64.StdEncoding.EncodeToString(photo) + "</ZhaoPian></Person>")
}
