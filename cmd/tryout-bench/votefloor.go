package main

import (
	"context"
	_ "embed"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
)

//go:embed floor.lua
var floorScriptLua string

// floorScript is the least a durable, deduplicated vote can do in Redis:
// per vote, one HSETNX (the voter's record); per batch, one XADD (the
// journal). No limits, friction, totals or leaderboard.
var floorScript = redis.NewScript(floorScriptLua)

// floorVotes serves POST /floor/:id: a reference for vote_rps, measured in
// the same run. Each request is one new voter's vote, gathered with the
// votes arriving at the same moment into one script call (two in flight,
// up to 256 votes each, as the gate does) on the product's Redis
// (appendfsync always), answered 201 with a small JSON body once Redis
// has it on disk. Whatever the product adds (sessions and cookies, the
// campaign's rules, limits, friction, owner check, totals, Top order,
// risk signals) costs on top of this.
func floorVotes(r *redis.Client) (http.Handler, func()) {
	type call struct {
		voter string
		err   error
		done  chan struct{}
	}
	in := make(chan *call, 1024)
	for range 2 {
		go func() {
			batch := make([]*call, 0, 256)
			for c := range in {
				batch = append(batch[:0], c)
			gather:
				for len(batch) < 256 {
					select {
					case c, ok := <-in:
						if !ok {
							break gather
						}
						batch = append(batch, c)
					default:
						break gather
					}
				}
				args := make([]any, len(batch))
				for i, c := range batch {
					args[i] = c.voter
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				err := floorScript.Run(ctx, r, nil, args...).Err()
				cancel()
				for _, c := range batch {
					c.err = err
					close(c.done)
				}
			}
		}()
	}
	var seq atomic.Int64
	h := gin.New()
	h.POST("/floor/:id", func(c *gin.Context) {
		v := &call{voter: c.Param("id") + ":" + strconv.FormatInt(seq.Add(1), 10), done: make(chan struct{})}
		in <- v
		<-v.done
		if v.err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": v.err.Error()})
			return
		}
		c.JSON(http.StatusCreated, gin.H{"counted": true, "votes": seq.Load()})
	})
	return h, func() { close(in) }
}
