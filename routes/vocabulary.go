package routes

import (
	"bytes"
	"encoding/json"

	"efile/services/vocab"

	"github.com/gin-gonic/gin"
)

// vocabularyResponse is every kind of vocabulary, code → Chinese label
// (SPEC section 12): the console's labels, the same the workbooks print.
// Each kind's codes are written in the order people read them (the SPEC's),
// not sorted, so that a console listing a kind's entries shows them in that
// order; the JSON is still an object of objects.
type vocabularyResponse struct{}

// MarshalJSON writes the kinds sorted and each kind's codes in order.
func (vocabularyResponse) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kind := range vocab.Kinds() {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSON(&b, kind); err != nil {
			return nil, err
		}
		b.WriteString(":{")
		for j, e := range vocab.Ordered(kind) {
			if j > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(&b, e.Code); err != nil {
				return nil, err
			}
			b.WriteByte(':')
			if err := writeJSON(&b, e.Label); err != nil {
				return nil, err
			}
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, v any) error {
	j, err := json.Marshal(v)
	b.Write(j)
	return err
}

// vocabularyDoc is the answer's shape for the OpenAPI document.
type vocabularyDoc map[string]map[string]string

func (h *handlers) vocabulary(c *gin.Context, _ *noInput) (vocabularyResponse, error) {
	return vocabularyResponse{}, nil
}
