package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// A response larger than net/http's 4 KB connection buffer leaves in two
// writes: the buffer (status line, header, the body's start) and the rest of
// the body. For a cached tile those two system calls were 40 % of the
// server's CPU, a writev of both 23 % (BENCHMARKS.md). Listener's connections can send the
// two as one writev, without copying the body: a handler arms the connection
// around its body's Write (writeBody), the connection keeps the buffer's
// flush and sends it with the write that follows.

// Listener wraps a listener's connections so that writeBody can join a
// response's writes. The server must also use ConnContext.
func Listener(ln net.Listener) net.Listener { return oneWriteListener{ln} }

// ConnContext is the http.Server hook that lets a handler reach its
// connection (a connection of Listener).
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if oc, ok := c.(*oneWriteConn); ok {
		return context.WithValue(ctx, connKey{}, oc)
	}
	return ctx
}

type connKey struct{}

type oneWriteListener struct{ net.Listener }

func (l oneWriteListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &oneWriteConn{Conn: c}, nil
}

// oneWriteConn holds, while armed, one write of at most maxHeld bytes and
// sends it with the next. The write that follows always comes: a held write
// is net/http's flush of a full buffer, so the response's rest follows,
// straight from the handler's Write or from the buffer when the response
// ends. Should it not, a read (net/http reads before it waits for the client)
// or a close sends what is held.
type oneWriteConn struct {
	net.Conn
	mu     sync.Mutex // the handler writes; net/http's background read reads
	armed  bool
	held   []byte
	writes atomic.Int64 // system calls that wrote (tests count them)
}

const maxHeld = 16 << 10

func (c *oneWriteConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.held) > 0 {
		bufs, held := net.Buffers{c.held, p}, int64(len(c.held))
		c.held = c.held[:0]
		c.writes.Add(1)
		n, err := bufs.WriteTo(c.Conn) // writev on a TCP connection
		return int(max(n-held, 0)), err
	}
	if c.armed && len(p) <= maxHeld {
		c.held = append(c.held[:0], p...)
		return len(p), nil
	}
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// writeBody writes a 200 response's header, with its Content-Length, and
// body, in one system call on a connection of Listener.
func writeBody(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	c, _ := r.Context().Value(connKey{}).(*oneWriteConn)
	c.arm(true)
	defer c.arm(false)
	_, _ = w.Write(body)
}

func (c *oneWriteConn) arm(on bool) {
	if c != nil {
		c.mu.Lock()
		c.armed = on
		c.mu.Unlock()
	}
}

// flush sends what is held.
func (c *oneWriteConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.held) == 0 {
		return nil
	}
	c.writes.Add(1)
	_, err := c.Conn.Write(c.held)
	c.held = c.held[:0]
	return err
}

func (c *oneWriteConn) Read(p []byte) (int, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *oneWriteConn) Close() error {
	_ = c.flush()
	return c.Conn.Close()
}

// CloseWrite and ReadFrom keep what net/http finds on a bare TCP connection:
// a half close before closing, sendfile for files.
func (c *oneWriteConn) CloseWrite() error {
	if err := c.flush(); err != nil {
		return err
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *oneWriteConn) ReadFrom(r io.Reader) (int64, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(c.Conn, r)
}
