package hub

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	connected      prometheus.Gauge
	connects       *prometheus.CounterVec
	streamsRefused prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "coffer_agents_connected",
			Help: "Agents with a live session on this control plane.",
		}),
		connects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coffer_hub_connects_total",
			Help: "Agent connection attempts by result.",
		}, []string{"result"}),
		streamsRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coffer_hub_streams_refused_total",
			Help: "Streams refused because an agent had too many open.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.connected, m.connects, m.streamsRefused)
	}
	return m
}
