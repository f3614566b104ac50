package lrmx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"testing"
	"time"

	"efile/models"
	"efile/services"
	"efile/services/account"
	"efile/services/idnumber"
	"efile/services/lrmx"
	"efile/services/lrmx/lrmxtest"
	"efile/services/unit"
	"efile/testenv"

	"gorm.io/gorm"
)

func photo(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 20, 20))
	for i := range img.Pix {
		img.Pix[i] = shade + uint8(i%7)
	}
	img.SetGray(0, 0, color.Gray{Y: shade})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func idOf(birth string, seq int) string {
	first := fmt.Sprintf("110105%s%03d", birth, seq)
	return first + string(idnumber.CheckDigit(first))
}

// TestImportReadsPhotosAgain: photos past the import's memory budget are
// read again from their files when written, and are the photos checked.
func TestImportReadsPhotosAgain(t *testing.T) {
	defer lrmx.SetPhotoBudget(0)()
	db, svc, rev, u := importWorld(t)
	ctx := context.Background()
	names := []string{"a.lrmx", "b.lrmx", "c.lrmx"}
	files, photos := map[string][]byte{}, map[string][]byte{}
	for i, n := range names {
		photos[n] = photo(t, uint8(40*i))
		files[n] = lrmxtest.Form(idOf(fmt.Sprintf("198%d0101", i), 2*i+1), photos[n])
	}
	z := lrmxtest.Zip(names, files)
	rep, err := svc.LRMX.Import(ctx, rev, lrmx.Upload{File: bytes.NewReader(z), Size: int64(len(z)), Name: "z.zip", UnitID: &u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 3 {
		t.Fatalf("report %+v", rep)
	}
	for i, row := range rep.Rows {
		var p models.Profile
		if err := db.Where("cadre_id = ?", *row.CadreID).Take(&p).Error; err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(p.Photo, photos[names[i]]) {
			t.Fatalf("%s: the photo written is not the file's", names[i])
		}
	}
}

// importWorld is a database with a unit, 区财政局, and a reviewer, rev,
// to import forms into it.
func importWorld(t *testing.T) (*gorm.DB, *services.Set, *models.User, *models.Unit) {
	t.Helper()
	db, _, _ := testenv.DB(t)
	svc, err := services.New(db, services.Config{JWTSecret: bytes.Repeat([]byte("s"), 32), DataKey: bytes.Repeat([]byte{7}, 32),
		Now: time.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.Units.Create(t.Context(), unit.NewUnit{Name: "区财政局", Code: "CZ"})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := svc.Accounts.CreateUser(t.Context(), account.NewUser{Username: "rev", Password: "correct-horse-battery",
		DisplayName: "rev", Roles: []string{account.RoleOrgReviewer}})
	if err != nil {
		t.Fatal(err)
	}
	return db, svc, rev, u
}

// TestImportZipSlipNames: entries named to climb out of a folder
// (../../, an absolute path, a Windows drive) are read as any file is and
// named in the report as written; nothing is ever written to disk.
func TestImportZipSlipNames(t *testing.T) {
	_, svc, rev, u := importWorld(t)
	names := []string{"../../efile-slip-a.lrmx", "/tmp/efile-slip-b.lrmx", `C:\efile-slip-c.lrmx`}
	files := map[string][]byte{}
	for i, n := range names {
		files[n] = lrmxtest.Form(idOf(fmt.Sprintf("197%d0101", i), 2*i+1), nil)
	}
	z := lrmxtest.Zip(names, files)
	rep, err := svc.LRMX.Import(t.Context(), rev, lrmx.Upload{File: bytes.NewReader(z), Size: int64(len(z)), Name: "slip.zip", UnitID: &u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 3 || len(rep.Rows) != 3 {
		t.Fatalf("report %+v", rep)
	}
	for i, row := range rep.Rows {
		if row.Line != names[i] {
			t.Errorf("row %d named %q, want %q", i, row.Line, names[i])
		}
	}
	for _, p := range []string{"../../efile-slip-a.lrmx", "/tmp/efile-slip-b.lrmx", "efile-slip-c.lrmx"} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %v (written to disk?)", p, err)
		}
	}
}
