package main

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// logFormat is one kind of log: the lines of a web server, an application
// logging JSON, syslog, and a database logging slow statements.
type logFormat struct {
	name string
	line func(l *logWriter, b []byte) []byte
}

var logFormats = []logFormat{
	{name: "nginx-access", line: accessLine},
	{name: "app", line: appLine},
	{name: "syslog", line: syslogLine},
	{name: "postgresql", line: postgresLine},
}

// logStart is the time of every log's first line.
var logStart = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// logWriter writes lines whose times move forward by a few milliseconds
// each, from a small set of clients, as in a busy service's log.
type logWriter struct {
	rng     *rand.Rand
	now     time.Time
	line    func(*logWriter, []byte) []byte
	clients []string
	buf     []byte
}

func newLogWriter(rng *rand.Rand, line func(*logWriter, []byte) []byte) *logWriter {
	l := &logWriter{rng: rng, now: logStart, line: line}
	for range 200 {
		ip := []byte("10.")
		for i := range 3 {
			if i > 0 {
				ip = append(ip, '.')
			}
			ip = strconv.AppendInt(ip, int64(rng.IntN(254)+1), 10)
		}
		l.clients = append(l.clients, string(ip))
	}
	return l
}

func (l *logWriter) fill(w *capped) {
	for !w.full() {
		l.now = l.now.Add(time.Duration(l.rng.IntN(40000)) * time.Microsecond)
		l.buf = l.line(l, l.buf[:0])
		w.write(l.buf)
	}
}

var (
	methods  = []string{"GET", "GET", "GET", "GET", "POST", "PUT", "DELETE"}
	routes   = []string{"/api/v1/orders/", "/api/v1/customers/", "/api/v1/cart/", "/static/img/"}
	statuses = []int{200, 200, 200, 200, 200, 200, 200, 304, 301, 404, 201, 500}
	agents   = []string{
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " +
			"(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15",
		"curl/8.5.0", "Prometheus/2.55.1", "kube-probe/1.31",
	}
)

func accessLine(l *logWriter, b []byte) []byte {
	b = append(b, pick(l.rng, l.clients)...)
	b = append(b, " - - ["...)
	b = l.now.AppendFormat(b, "02/Jan/2006:15:04:05 -0700")
	b = append(b, "] \""...)
	b = append(b, pick(l.rng, methods)...)
	b = append(b, ' ')
	b = append(b, pick(l.rng, routes)...)
	b = strconv.AppendInt(b, int64(l.rng.IntN(100000)), 10)
	b = append(b, " HTTP/1.1\" "...)
	b = strconv.AppendInt(b, int64(statuses[l.rng.IntN(len(statuses))]), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(l.rng.IntN(60000)), 10)
	b = append(b, " \"https://shop.example.com/\" \""...)
	b = append(b, pick(l.rng, agents)...)
	b = append(b, "\" "...)
	b = strconv.AppendFloat(b, l.rng.Float64()*0.5, 'f', 3, 64)
	return append(b, '\n')
}

var (
	levels   = []string{"info", "info", "info", "info", "info", "debug", "warn", "error"}
	services = []string{"checkout", "catalog", "payments", "auth", "search"}
	messages = []string{"request completed", "order placed", "cache miss", "token refreshed",
		"payment authorized", "retrying upstream call", "slow query", "session expired"}
)

func appLine(l *logWriter, b []byte) []byte {
	b = append(b, `{"time":"`...)
	b = l.now.AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	b = append(b, `","level":"`...)
	b = append(b, pick(l.rng, levels)...)
	b = append(b, `","service":"`...)
	b = append(b, pick(l.rng, services)...)
	b = append(b, `","msg":"`...)
	b = append(b, pick(l.rng, messages)...)
	b = append(b, `","request_id":"`...)
	b = appendHex(l.rng, b, 8)
	b = append(b, `","user_id":`...)
	b = strconv.AppendInt(b, int64(l.rng.IntN(50000)), 10)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendFloat(b, l.rng.ExpFloat64()*20, 'f', 2, 64)
	return append(b, "}\n"...)
}

var syslogEvents = []string{
	"sshd[%]: Accepted publickey for deploy from # port 52144 ssh2",
	"CRON[%]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
	"systemd[1]: Started session-% scope - Session % of User deploy.",
	"kernel: [UFW BLOCK] IN=eth0 OUT= SRC=# DST=10.0.0.5 PROTO=TCP DPT=22",
	"containerd[%]: level=info msg=\"shim disconnected\" namespace=moby",
	"dockerd[%]: level=info msg=\"ignoring event\" topic=/tasks/delete",
}

func syslogLine(l *logWriter, b []byte) []byte {
	b = l.now.AppendFormat(b, "Jan _2 15:04:05")
	b = append(b, " web-0"...)
	b = strconv.AppendInt(b, int64(l.rng.IntN(4)+1), 10)
	b = append(b, ' ')
	for _, c := range []byte(pick(l.rng, syslogEvents)) {
		switch c {
		case '%':
			b = strconv.AppendInt(b, int64(l.rng.IntN(30000)+300), 10)
		case '#':
			b = append(b, pick(l.rng, l.clients)...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '\n')
}

var statements = []string{
	"SELECT id, total, status FROM orders WHERE customer_id = % ORDER BY created_at DESC LIMIT 20",
	"UPDATE carts SET updated_at = now() WHERE id = %",
	"INSERT INTO events (kind, subject_id, payload) VALUES ('view', %, '{}')",
	"SELECT count(*) FROM sessions WHERE expires_at < now() AND user_id = %",
}

func postgresLine(l *logWriter, b []byte) []byte {
	b = l.now.AppendFormat(b, "2006-01-02 15:04:05.000 MST")
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(l.rng.IntN(4000)+1000), 10)
	b = append(b, "] app@shop LOG:  duration: "...)
	b = strconv.AppendFloat(b, l.rng.ExpFloat64()*50, 'f', 3, 64)
	b = append(b, " ms  statement: "...)
	for _, c := range []byte(pick(l.rng, statements)) {
		if c == '%' {
			b = strconv.AppendInt(b, int64(l.rng.IntN(1000000)), 10)
			continue
		}
		b = append(b, c)
	}
	return append(b, '\n')
}

func appendHex(rng *rand.Rand, b []byte, n int) []byte {
	const digits = "0123456789abcdef"
	for range n {
		v := rng.Uint32()
		b = append(b, digits[v>>4&15], digits[v&15])
	}
	return b
}
