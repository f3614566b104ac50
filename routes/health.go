package routes

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"
)

func (h *handlers) healthz(c *gin.Context) { c.JSON(200, gin.H{"status": "ok"}) }

func (h *handlers) readyz(c *gin.Context) {
	sqlDB, err := h.d.DB.DB()
	if err == nil {
		cx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		err = sqlDB.PingContext(cx)
	}
	if err != nil {
		c.JSON(503, gin.H{"status": "unavailable", "error": "database unreachable"})
		return
	}
	c.JSON(200, gin.H{"status": "ready"})
}

func (h *handlers) openapi(c *gin.Context) {
	c.Data(200, "application/json", openAPIDoc())
}
