package web

import (
	"net"
	"sync"
)

// SetDownloadPage sets how many features each store query of a download or
// of the statistics asks for, so that a test can make them page; it returns
// a function that restores the default.
func SetDownloadPage(n int) func() {
	old := downloadPage
	downloadPage = n
	return func() { downloadPage = old }
}

// SetMaxDownload sets the most features a download holds; it returns a
// function that restores the default.
func SetMaxDownload(n int) func() {
	old := maxDownload
	maxDownload = n
	return func() { maxDownload = old }
}

// WriteBody is writeBody, for a test's own handler.
var WriteBody = writeBody

// CountingListener is Listener with a count of the system calls that wrote
// to any of its connections.
func CountingListener(ln net.Listener) (net.Listener, func() int64) {
	l := &countingListener{Listener: ln}
	return l, l.writes
}

type countingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []*oneWriteConn
}

// Accept is Listener's, keeping each connection to count its writes.
func (l *countingListener) Accept() (net.Conn, error) {
	c, err := oneWriteListener{l.Listener}.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.conns = append(l.conns, c.(*oneWriteConn))
	l.mu.Unlock()
	return c, nil
}

func (l *countingListener) writes() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var n int64
	for _, c := range l.conns {
		n += c.writes.Load()
	}
	return n
}
