package routes

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/datakey"
	"efile/services/errs"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// idempotencyTTL is how long a key's first response is kept.
const idempotencyTTL = 24 * time.Hour

var errKeyReused = errs.Conflict("conflict", "this Idempotency-Key was used for a different request")

// idempotent makes a create route honour Idempotency-Key: the handler runs
// inside one transaction together with the row that keeps its response, so
// the object and the stored response commit together. A retry with the
// same key and body gets the first response again and creates nothing; the
// same key with another body is 409 conflict. Two concurrent requests with
// one key meet on the row's unique index: the loser's transaction rolls
// back (its object with it) and it answers with the winner's response.
// Stored responses are encrypted with the data key.
func idempotent(db *gorm.DB, keys *datakey.Keys) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader("Idempotency-Key")
		if key == "" {
			c.Next()
			return
		}
		if len(key) > 255 {
			abort(c, errs.Invalid("Idempotency-Key", "must be at most 255 characters"))
			return
		}
		hash, err := requestHash(c)
		if err != nil {
			abort(c, err)
			return
		}
		uid, route := me(c).ID, c.Request.URL.Path
		if replay(c, db, keys, uid, route, key, hash) {
			return
		}
		cw := &captureWriter{ResponseWriter: c.Writer, status: http.StatusOK}
		c.Writer = cw
		defer func() {
			// A panic rolled the transaction back; let the recovery
			// middleware answer on the real writer.
			if r := recover(); r != nil {
				c.Writer = cw.ResponseWriter
				panic(r)
			}
		}()
		errNotKept := errors.New("response not kept")
		err = models.WithTxOnce(c.Request.Context(), db, func(ctx context.Context) error {
			orig := c.Request
			c.Request = c.Request.WithContext(ctx)
			c.Next()
			c.Request = orig
			if cw.status < 200 || cw.status > 299 {
				return errNotKept
			}
			return models.Get(ctx, db).Create(&models.Idempotency{UserID: uid, Route: route, Key: key,
				RequestHash: hash, Status: cw.status, Response: keys.SealResponse(cw.buf.Bytes())}).Error
		})
		c.Writer = cw.ResponseWriter
		if err != nil {
			// The transaction rolled back, entry included. A concurrent
			// request with the same key may have won: answer as it did.
			accesslog.ReqFrom(c.Request.Context()).Unlog()
			if replay(c, db, keys, uid, route, key, hash) {
				return
			}
			if !errors.Is(err, errNotKept) {
				c.Errors = c.Errors[:0]
				abort(c, err)
				return
			}
		}
		cw.flush()
	}
}

// requestHash fingerprints the request body. An upload is fingerprinted by
// its files' names and contents, not its raw bytes: a client's retry picks
// a new multipart boundary, and that must not count as another body.
func requestHash(c *gin.Context) (string, error) {
	h := sha256.New()
	if strings.HasPrefix(c.ContentType(), "multipart/form-data") {
		form, err := c.MultipartForm()
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return "", err
			}
			return "", errs.Invalid("file", "the upload is not valid multipart/form-data")
		}
		names := make([]string, 0, len(form.File))
		for name := range form.File {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			for _, fh := range form.File[name] {
				f, err := fh.Open()
				if err != nil {
					return "", err
				}
				fmt.Fprintf(h, "%s\x00%s\x00%d\x00", name, fh.Filename, fh.Size)
				_, err = io.Copy(h, f)
				f.Close()
				if err != nil {
					return "", err
				}
			}
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return "", err
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// replay answers with the stored response for the key, if there is one.
func replay(c *gin.Context, db *gorm.DB, keys *datakey.Keys, uid int64, route, key, hash string) bool {
	var row models.Idempotency
	err := db.WithContext(c.Request.Context()).Where("user_id = ? AND route = ? AND `key` = ?", uid, route, key).First(&row).Error
	if models.IsNotFound(err) {
		return false
	}
	if err != nil {
		abort(c, err)
		return true
	}
	if time.Since(row.CreatedAt) > idempotencyTTL {
		if err := db.WithContext(c.Request.Context()).Delete(&row).Error; err != nil {
			abort(c, err)
			return true
		}
		return false
	}
	if row.RequestHash != hash {
		abort(c, errKeyReused)
		return true
	}
	plain, err := keys.OpenResponse(row.Response)
	if err != nil {
		abort(c, err)
		return true
	}
	c.Header("Idempotent-Replayed", "true")
	c.Data(row.Status, "application/json; charset=utf-8", plain)
	c.Abort()
	return true
}

// captureWriter holds a response until its transaction has committed.
type captureWriter struct {
	gin.ResponseWriter
	status  int
	written bool
	buf     bytes.Buffer
}

func (w *captureWriter) WriteHeader(code int)        { w.status = code }
func (w *captureWriter) WriteHeaderNow()             { w.written = true }
func (w *captureWriter) Write(b []byte) (int, error) { w.written = true; return w.buf.Write(b) }
func (w *captureWriter) WriteString(s string) (int, error) {
	w.written = true
	return w.buf.WriteString(s)
}
func (w *captureWriter) Status() int   { return w.status }
func (w *captureWriter) Written() bool { return w.written }
func (w *captureWriter) Size() int     { return w.buf.Len() }
func (w *captureWriter) Flush()        {}

func (w *captureWriter) flush() {
	w.ResponseWriter.WriteHeader(w.status)
	w.ResponseWriter.WriteHeaderNow()
	_, _ = w.ResponseWriter.Write(w.buf.Bytes())
}
