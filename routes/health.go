package routes

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"
)

type healthResponse struct {
	Status string `json:"status"`
}

type unreadyResponse struct {
	Status string `json:"status"`
	Error  string `json:"error"`
}

func (h *handlers) healthz(c *gin.Context, _ *noInput) (healthResponse, error) {
	return healthResponse{"ok"}, nil
}

func readyz(h *handlers) gin.HandlerFunc {
	return func(c *gin.Context) {
		sqlDB, err := h.s.DB.DB()
		if err == nil {
			cx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
			defer cancel()
			err = sqlDB.PingContext(cx)
		}
		if err != nil {
			c.JSON(503, unreadyResponse{"unavailable", "database unreachable"})
			return
		}
		c.JSON(200, healthResponse{"ready"})
	}
}

func openapi(h *handlers) gin.HandlerFunc {
	return func(c *gin.Context) { c.Data(200, "application/json", h.doc) }
}
