package pgtest

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
)

// cluster is a throwaway PostgreSQL cluster in a temp dir.
type cluster struct {
	bin     string              // directory holding initdb, pg_ctl
	dir     string              // temp dir: data/, the log and the unix socket
	cred    *syscall.Credential // non-nil when running as root
	running bool
}

// newCluster initialises and starts a cluster; initdb refuses to run as
// root, so as root it runs everything as the postgres user.
func newCluster() (*cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin}
	if os.Geteuid() == 0 {
		if c.cred, err = postgresUser(); err != nil {
			return nil, err
		}
	}
	c.reapStale()
	if c.dir, err = os.MkdirTemp("", "planmap-pg-"); err != nil {
		return nil, err
	}
	// The owner's pid lets a later run reap this cluster should this
	// process die before Main can remove it (a test timeout, a kill).
	if err := os.WriteFile(filepath.Join(c.dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	if err := c.init(); err != nil {
		c.remove()
		return nil, err
	}
	if err := c.start(); err != nil {
		c.remove()
		return nil, err
	}
	return c, nil
}

// reapStale stops and removes clusters left behind by test processes that
// are gone.
func (c *cluster) reapStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "planmap-pg-*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(string(b))
		if err != nil || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		stale := &cluster{bin: c.bin, dir: dir, cred: c.cred, running: true}
		stale.remove()
	}
}

// findBin finds the PostgreSQL server binaries: on PATH, else Debian's
// /usr/lib/postgresql/<version>/bin, newest version first.
func findBin() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root and there is no postgres user to run initdb as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

func (c *cluster) init() error {
	if c.cred != nil {
		// The temp dir's parent must be reachable by postgres too (it is for /tmp).
		if err := os.Chown(c.dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return err
		}
	}
	if err := c.run("initdb", "-D", c.data(), "-U", "postgres", "--auth=trust",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return err
	}
	// A Unix socket in the cluster's own directory, and no TCP port: a port
	// picked free and then closed may be taken by another program before
	// the server binds it (or again while a test has the server stopped).
	conf := fmt.Sprintf("\nlisten_addresses = ''\nunix_socket_directories = '%s'\n"+
		"fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n", c.dir)
	f, err := os.OpenFile(filepath.Join(c.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(conf)
	return err
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *cluster) start() error {
	if err := c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("%v\n%s", err, tail(log))
	}
	c.running = true
	return nil
}

func (c *cluster) stop() error {
	if !c.running {
		return nil
	}
	c.running = false
	return c.run("pg_ctl", "-D", c.data(), "-w", "-m", "fast", "stop")
}

// remove stops the cluster and deletes its directory.
func (c *cluster) remove() {
	if c.running {
		_ = c.run("pg_ctl", "-D", c.data(), "-w", "-m", "immediate", "stop")
		c.running = false
	}
	_ = os.RemoveAll(c.dir)
}

func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&sslmode=disable", db, url.QueryEscape(c.dir))
}

func (c *cluster) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v\n%s", name, err, tail(out.Bytes()))
	}
	return nil
}

func tail(b []byte) []byte {
	if len(b) > 2000 {
		return b[len(b)-2000:]
	}
	return b
}
