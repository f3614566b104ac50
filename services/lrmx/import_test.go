package lrmx_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
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
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	svc, err := services.New(db, services.Config{JWTSecret: bytes.Repeat([]byte("s"), 32), DataKey: bytes.Repeat([]byte{7}, 32),
		Now: time.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.Units.Create(ctx, unit.NewUnit{Name: "区财政局", Code: "CZ"})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := svc.Accounts.CreateUser(ctx, account.NewUser{Username: "rev", Password: "correct-horse-battery",
		DisplayName: "rev", Roles: []string{account.RoleOrgReviewer}})
	if err != nil {
		t.Fatal(err)
	}
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
