package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// textKind is one kind of small file: its extension and how its lines
// are made.
type textKind struct {
	ext  string
	fill func(rng *rand.Rand, w *capped)
}

var textKinds = []textKind{
	{ext: "md", fill: fillProse},
	{ext: "conf", fill: fillConfig},
	{ext: "yaml", fill: fillYAML},
	{ext: "txt", fill: fillProse},
}

// words is a vocabulary of the kind of English that notes, READMEs and
// comments in configuration are written in.
var words = strings.Fields(`
the a an of to in for on with by from at as is are was be been has have it
this that these those which when where while after before until because if
then else not no all any each every some more most less few many other such
only also again still just very well back up down out over under between
server client host volume backup restore archive container image network
service request response cache queue worker job task schedule retention
policy bucket object snapshot database table index column row record key
value file directory path mount device disk memory process thread socket
port address user group role token secret certificate session connection
error warning failure timeout retry limit quota size count rate latency
start stop run read write open close create delete update list check keep
send receive load store copy move sync wait watch build deploy release
configure enable disable allow deny require return report log trace measure
new old first last next previous current default local remote primary
secondary daily weekly hourly small large full partial empty stale fresh
slow fast safe exact simple careful manual automatic external internal
production staging development test night morning week month year team
operator customer order invoice payment account project region zone
`)

var configKeys = strings.Fields(`
listen_address max_connections worker_processes keepalive_timeout log_level
cache_size read_timeout write_timeout retention_days compression buffer_size
enable_metrics tls_cert_file tls_key_file data_dir pid_file user group
upstream_host upstream_port health_check_interval max_body_size gzip
access_log error_log rate_limit burst client_max_body_size proxy_pass
`)

var sections = strings.Fields(`server database cache logging metrics auth
storage upstream http tls scheduler worker`)

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// fillProse writes paragraphs of sentences, with a heading now and then.
func fillProse(rng *rand.Rand, w *capped) {
	var line []byte
	for !w.full() {
		if rng.IntN(5) == 0 {
			line = append(line[:0], "## "...)
			line = appendWords(rng, line, 2+rng.IntN(4))
			w.write(append(line, "\n\n"...))
		}
		line = line[:0]
		for range 3 + rng.IntN(5) {
			line = appendSentence(rng, line)
		}
		w.write(append(line, "\n\n"...))
	}
}

func appendSentence(rng *rand.Rand, b []byte) []byte {
	start := len(b)
	b = appendWords(rng, b, 6+rng.IntN(13))
	if c := b[start]; c >= 'a' && c <= 'z' {
		b[start] = c - 'a' + 'A'
	}
	return append(b, ". "...)
}

func appendWords(rng *rand.Rand, b []byte, n int) []byte {
	for i := range n {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, pick(rng, words)...)
	}
	return b
}

// fillConfig writes an INI-style file: sections of key = value lines.
func fillConfig(rng *rand.Rand, w *capped) {
	var line []byte
	for !w.full() {
		line = append(line[:0], '[')
		line = append(line, pick(rng, sections)...)
		w.write(append(line, "]\n"...))
		for range 4 + rng.IntN(10) {
			line = append(line[:0], pick(rng, configKeys)...)
			line = append(line, " = "...)
			line = appendValue(rng, line)
			w.write(append(line, '\n'))
		}
		w.write([]byte("\n"))
	}
}

// fillYAML writes nested mappings, as in a compose file or a manifest.
func fillYAML(rng *rand.Rand, w *capped) {
	var line []byte
	for !w.full() {
		line = append(line[:0], pick(rng, sections)...)
		w.write(append(line, ":\n"...))
		for range 3 + rng.IntN(8) {
			line = append(line[:0], "  "...)
			line = append(line, pick(rng, configKeys)...)
			line = append(line, ": "...)
			line = appendValue(rng, line)
			w.write(append(line, '\n'))
		}
		if rng.IntN(3) == 0 {
			line = append(line[:0], "  # "...)
			line = appendSentence(rng, line)
			w.write(append(line, '\n'))
		}
	}
}

func appendValue(rng *rand.Rand, b []byte) []byte {
	switch rng.IntN(4) {
	case 0:
		return strconv.AppendInt(b, int64(rng.IntN(65536)), 10)
	case 1:
		return strconv.AppendBool(b, rng.IntN(2) == 0)
	case 2:
		b = append(b, "/var/lib/"...)
		b = append(b, pick(rng, sections)...)
		b = append(b, '/')
		return append(b, pick(rng, words)...)
	}
	return append(b, pick(rng, words)...)
}
