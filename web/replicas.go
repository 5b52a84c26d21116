package web

import (
	"github.com/prometheus/client_golang/prometheus"

	"planmap/geo"
)

// replicated is implemented by stores that read from replicas (PostGIS
// with --database-read-url).
type replicated interface{ ReplicaStats() []geo.ReplicaStats }

// replicaCollector reports each replica's state at scrape time.
type replicaCollector struct {
	store                replicated
	up, fit, lag, behind *prometheus.Desc
	reads                *prometheus.Desc
}

func newReplicaCollector(s replicated) *replicaCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, []string{"replica"}, nil)
	}
	return &replicaCollector{store: s,
		up:     d("planmap_db_replica_up", "1 when the read replica's last check answered."),
		fit:    d("planmap_db_replica_fit", "1 when reads go to the replica: up and caught up with the primary."),
		lag:    d("planmap_db_replica_lag_seconds", "Time since the replica's last replayed transaction, while it is behind the primary; 0 when caught up."),
		behind: d("planmap_db_replica_behind_versions", "Data versions the replica has yet to replay."),
		reads:  d("planmap_db_replica_reads_total", "Reads sent to the replica."),
	}
}

func (c *replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.fit, c.lag, c.behind, c.reads} {
		ch <- d
	}
}

func (c *replicaCollector) Collect(ch chan<- prometheus.Metric) {
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	for _, r := range c.store.ReplicaStats() {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, b(r.Up), r.Name)
		ch <- prometheus.MustNewConstMetric(c.fit, prometheus.GaugeValue, b(r.Fit), r.Name)
		ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, r.Lag.Seconds(), r.Name)
		ch <- prometheus.MustNewConstMetric(c.behind, prometheus.GaugeValue, float64(r.Behind), r.Name)
		ch <- prometheus.MustNewConstMetric(c.reads, prometheus.CounterValue, float64(r.Reads), r.Name)
	}
}

// replicaStates are the replicas as /readyz lists them.
func (s *Server) replicaStates() []map[string]any {
	rs, ok := s.store.(replicated)
	if !ok {
		return nil
	}
	var out []map[string]any
	for _, r := range rs.ReplicaStats() {
		out = append(out, map[string]any{"name": r.Name, "up": r.Up, "reads_here": r.Fit,
			"lag_seconds": r.Lag.Seconds(), "behind_versions": r.Behind})
	}
	return out
}
