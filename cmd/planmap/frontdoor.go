package main

import (
	"flag"
	"fmt"
	"net"
	"os"

	"planmap/web"
)

// doorFlags are serve's front-door settings: which hosts links may name and
// which peers' forwarding headers are believed (web/frontdoor.go).
type doorFlags struct {
	publicURL, allowedHosts, trustedProxies string
}

func (d *doorFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.publicURL, "public-url", "",
		"base URL of every link, e.g. https://plan.example.org (env PLANMAP_PUBLIC_URL); empty: from each request's allowed host")
	fs.StringVar(&d.allowedHosts, "allowed-hosts", "",
		"comma-separated host names requests may name, * for any (env PLANMAP_ALLOWED_HOSTS); empty: this machine's names and addresses")
	fs.StringVar(&d.trustedProxies, "trusted-proxies", "",
		"comma-separated CIDRs or addresses of proxies whose Forwarded / X-Forwarded-* headers are believed (env PLANMAP_TRUSTED_PROXIES)")
}

// apply checks the flags and sets them on the server's options.
func (d *doorFlags) apply(o *web.Options) error {
	var err error
	if d.publicURL != "" {
		if o.PublicURL, err = web.ParsePublicURL(d.publicURL); err != nil {
			return fmt.Errorf("--public-url: %w", err)
		}
	}
	if o.AllowedHosts, err = web.ParseHosts(d.allowedHosts); err != nil {
		return fmt.Errorf("--allowed-hosts: %w", err)
	}
	if o.TrustedProxies, err = web.ParseProxies(d.trustedProxies); err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if len(o.AllowedHosts) == 0 && o.PublicURL == "" {
		o.AllowedHosts = localHosts()
	}
	return nil
}

// localHosts are the names a client on this machine or its network can
// reach it by without any configuration: localhost, the host name and the
// addresses of its interfaces. A public name has to be configured.
func localHosts() []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h, err := os.Hostname(); err == nil && h != "" {
		hosts = append(hosts, h)
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				hosts = append(hosts, n.IP.String())
			}
		}
	}
	return hosts
}
