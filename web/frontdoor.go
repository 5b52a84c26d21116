package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"planmap/tiles"
)

// The front door decides which scheme, host and prefix the links in a
// response are built on. A link is what a shared cache would hand to every
// later client, so it may only name a host the operator configured:
//
//   - with a public URL, every link uses it, whatever the request says;
//   - Forwarded and X-Forwarded-* are believed only from a trusted proxy;
//   - the host a request names (Host, an absolute-form request line, or a
//     trusted proxy's forwarded host) must be one of the allowed hosts;
//   - a response built on anything the request said carries Vary naming it.

// frontDoor is the parsed front-door configuration.
type frontDoor struct {
	public  string          // base URL of every link, no trailing slash; "" = from the request
	hosts   map[string]bool // host names (lower case, no port) served; nil = any
	proxies []netip.Prefix  // peers whose forwarding headers are believed
}

func newFrontDoor(o Options) frontDoor {
	fd := frontDoor{public: strings.TrimRight(o.PublicURL, "/"), proxies: o.TrustedProxies}
	if len(o.AllowedHosts) > 0 {
		fd.hosts = map[string]bool{}
		for _, h := range o.AllowedHosts {
			if h == "*" {
				fd.hosts = nil
				break
			}
			fd.hosts[hostname(h)] = true
		}
	}
	return fd
}

// forwardingHeaders are the request headers a link may depend on when the
// peer is a trusted proxy.
const forwardingHeaders = "Forwarded, X-Forwarded-Host, X-Forwarded-Proto, X-Forwarded-Prefix"

// probes build no links and are asked by load balancers by IP address, so
// they answer whatever Host they are sent.
var probes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// linkBase is a request's base URL. Handlers read it through baseURL, which
// adds the Vary header the first time a response uses it.
type linkBase struct {
	base   string
	vary   string
	header http.Header
	told   bool
}

type linkBaseKey struct{}

func (s *Server) frontDoor(next http.Handler) http.Handler {
	fd := s.door
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		trusted := fd.trusted(r.RemoteAddr)
		src := r
		if !trusted {
			// Only what the connection itself says: its Host (or the host of an
			// absolute-form request line, which net/http puts in r.Host) and TLS.
			src = &http.Request{Host: r.Host, TLS: r.TLS} // no header: nothing forwarded
		}
		base := tiles.BaseURL(src)
		if host := hostOfBase(base); fd.hosts != nil && !fd.hosts[hostname(host)] && !probes[r.URL.Path] {
			s.writeError(w, r, &apiError{http.StatusBadRequest, "InvalidHost", fmt.Sprintf(
				"host %q is not served here; the operator lists the hosts planmap answers to (--allowed-hosts, --public-url)", clip(host))})
			return
		}
		lb := &linkBase{base: base, header: w.Header(), vary: "Host"}
		switch {
		case fd.public != "":
			lb.base, lb.vary = fd.public, ""
		case trusted:
			lb.vary = "Host, " + forwardingHeaders
		}
		if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
			info.link = lb // no copy of the request for it
		} else {
			r = r.WithContext(context.WithValue(r.Context(), linkBaseKey{}, lb))
		}
		next.ServeHTTP(w, r)
	})
}

// trusted reports whether the peer is one of the trusted proxies.
func (fd frontDoor) trusted(remote string) bool {
	if len(fd.proxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, p := range fd.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// baseURL is the scheme, host and path prefix links are built on (see the
// front door above). A response that uses it varies on what it came from.
func baseURL(r *http.Request) string {
	lb, ok := r.Context().Value(linkBaseKey{}).(*linkBase)
	if info, isInfo := r.Context().Value(reqInfoKey{}).(*reqInfo); isInfo && info.link != nil {
		lb, ok = info.link, true
	}
	if !ok { // not through the front door: believe the connection only
		return tiles.BaseURL(&http.Request{Host: r.Host, TLS: r.TLS, Header: http.Header{}})
	}
	if !lb.told && lb.vary != "" {
		lb.header.Add("Vary", lb.vary)
		lb.told = true
	}
	return lb.base
}

// hostOfBase is the host[:port] of a base URL built by tiles.BaseURL.
func hostOfBase(base string) string {
	_, rest, _ := strings.Cut(base, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// hostname is a host without its port or IPv6 brackets, in lower case.
func hostname(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.Trim(host, "[]"))
}

// ParsePublicURL checks a public base URL: absolute http(s), a host, perhaps
// a path prefix, and nothing else.
func ParsePublicURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(u.Path, " \"<>\\") {
		return "", fmt.Errorf("%q is not an http(s) URL of the form https://host[:port][/prefix]", s)
	}
	return u.Scheme + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// ParseProxies reads a comma-separated list of CIDRs and IP addresses.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(f); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			return nil, fmt.Errorf("%q is not a CIDR (10.0.0.0/8) or an IP address", f)
		}
	}
	return out, nil
}

// ParseHosts reads a comma-separated list of host names (a port, if given,
// is ignored; * allows any host).
func ParseHosts(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if f != "*" && (strings.ContainsAny(f, "/@ \"<>\\") || strings.Contains(f, "://") || hostname(f) == "") {
			return nil, fmt.Errorf("%q is not a host name (e.g. plan.example.org)", f)
		}
		out = append(out, f)
	}
	return out, nil
}
