package backup

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	backups     *prometheus.CounterVec
	items       *prometheus.CounterVec
	bytes       prometheus.Counter
	lastSuccess *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		backups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coffer_backups_total",
			Help: "Backups finished, by final status.",
		}, []string{"status"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coffer_backup_items_total",
			Help: "Backup items finished, by kind and final status.",
		}, []string{"kind", "status"}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coffer_backup_bytes_total",
			Help: "Bytes stored by completed backup items, after compression.",
		}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "coffer_backup_last_success_timestamp_seconds",
			Help: "When the last completed backup of a project finished.",
		}, []string{"project"}),
	}
	if reg != nil {
		reg.MustRegister(m.backups, m.items, m.bytes, m.lastSuccess)
	}
	return m
}

func (m *metrics) itemDone(kind, status string, size int64) {
	m.items.WithLabelValues(kind, status).Inc()
	if status == statusCompleted {
		m.bytes.Add(float64(size))
	}
}

func (m *metrics) backupDone(project, status string, at time.Time) {
	m.backups.WithLabelValues(status).Inc()
	if status == statusCompleted {
		m.lastSuccess.WithLabelValues(project).Set(float64(at.Unix()))
	}
}
