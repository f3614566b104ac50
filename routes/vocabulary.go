package routes

import (
	"efile/services/vocab"

	"github.com/gin-gonic/gin"
)

// vocabularyResponse is every kind of vocabulary, code → Chinese label
// (SPEC section 12): the console's labels, the same the workbooks print.
type vocabularyResponse map[string]map[string]string

func (h *handlers) vocabulary(c *gin.Context) (vocabularyResponse, error) {
	return vocabularyResponse(vocab.All()), nil
}
