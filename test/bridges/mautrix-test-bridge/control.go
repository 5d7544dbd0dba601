package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"

	"maunium.net/go/mautrix/bridgev2/networkid"
	"maunium.net/go/mautrix/bridgev2/status"
)

// control is the test-only HTTP listener that stands in for the remote network: it "scans"
// a QR code, refreshes it, ends a wait unchanged, or changes a login's bridge state.
//
//	POST /scan        {"data"?: "<display data>", "username"?: "alice"}
//	POST /refresh     {"data"?: "..."}
//	POST /tick        {"data"?: "..."}
//	POST /login-state {"login_id": "alice", "state": "BAD_CREDENTIALS", "error"?: "...", "message"?: "..."}
//	GET  /waiting     the logins waiting on a display step
//
// Without "data", the login that most recently showed a display step is meant.
type control struct {
	conn    *Connector
	lock    sync.Mutex
	waiting []*Login
}

func newControl(conn *Connector) *control {
	return &control{conn: conn}
}

func (c *control) listen(addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || (host != "127.0.0.1" && host != "localhost" && host != "::1") {
		return fmt.Errorf("control_listen must be a loopback address, got %q", addr)
	}
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("control listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /scan", c.event("scan"))
	mux.HandleFunc("POST /refresh", c.event("refresh"))
	mux.HandleFunc("POST /tick", c.event("tick"))
	mux.HandleFunc("POST /login-state", c.loginState)
	mux.HandleFunc("GET /waiting", c.list)
	go func() { _ = http.Serve(listener, mux) }()
	return nil
}

func (c *control) remember(l *Login) {
	c.lock.Lock()
	defer c.lock.Unlock()
	c.removeLocked(l)
	c.waiting = append(c.waiting, l)
}

func (c *control) forget(l *Login) {
	c.lock.Lock()
	defer c.lock.Unlock()
	c.removeLocked(l)
}

func (c *control) removeLocked(l *Login) {
	for i, w := range c.waiting {
		if w == l {
			c.waiting = append(c.waiting[:i], c.waiting[i+1:]...)
			return
		}
	}
}

// find is the waiting login whose display shows data (a QR code matches on its process part).
func (c *control) find(data string) *Login {
	c.lock.Lock()
	defer c.lock.Unlock()
	for i := len(c.waiting) - 1; i >= 0; i-- {
		l := c.waiting[i]
		shown := ""
		if l.step != nil && l.step.DisplayAndWaitParams != nil {
			shown = l.step.DisplayAndWaitParams.Data
		}
		if data == "" || data == shown || strings.HasPrefix(data, "test-qr:"+l.nonce+":") {
			return l
		}
	}
	return nil
}

type eventRequest struct {
	Data     string `json:"data"`
	Username string `json:"username"`
}

func (c *control) event(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req eventRequest
		if r.ContentLength != 0 {
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				reply(w, http.StatusBadRequest, map[string]string{"error": "body must be a JSON object"})
				return
			}
		}
		l := c.find(req.Data)
		if l == nil {
			reply(w, http.StatusNotFound, map[string]string{"error": "no login is waiting on that display"})
			return
		}
		l.events <- controlEvent{kind: kind, username: req.Username}
		reply(w, http.StatusOK, map[string]string{"flow": l.flow})
	}
}

type stateRequest struct {
	LoginID string `json:"login_id"`
	State   string `json:"state"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

func (c *control) loginState(w http.ResponseWriter, r *http.Request) {
	var req stateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.LoginID == "" || req.State == "" {
		reply(w, http.StatusBadRequest, map[string]string{"error": `body must be {"login_id", "state"}`})
		return
	}
	login := c.conn.Bridge.GetCachedUserLoginByID(networkid.UserLoginID(req.LoginID))
	if login == nil {
		reply(w, http.StatusNotFound, map[string]string{"error": "no such login"})
		return
	}
	login.BridgeState.Send(status.BridgeState{
		StateEvent: status.BridgeStateEvent(req.State),
		Error:      status.BridgeStateErrorCode(req.Error),
		Message:    req.Message,
	})
	reply(w, http.StatusOK, map[string]string{})
}

func (c *control) list(w http.ResponseWriter, r *http.Request) {
	c.lock.Lock()
	out := make([]map[string]string, 0, len(c.waiting))
	for _, l := range c.waiting {
		entry := map[string]string{"flow": l.flow}
		if l.step != nil && l.step.DisplayAndWaitParams != nil {
			entry["type"] = string(l.step.DisplayAndWaitParams.Type)
			entry["data"] = l.step.DisplayAndWaitParams.Data
		}
		out = append(out, entry)
	}
	c.lock.Unlock()
	reply(w, http.StatusOK, out)
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
