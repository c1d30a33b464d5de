package cli

import "testing"

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "-",
		"web":              "web",
		"a\tb\nc":          "a?b?c",
		"evil\x1b[2Jclear": "evil?[2Jclear",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"cfe_AbC-12":                 "cfe_AbC-12",
		"https://coffer.example.com": "https://coffer.example.com",
		"http://h/?a=1&b=2":          "'http://h/?a=1&b=2'",
		"it's":                       `'it'\''s'`,
		"":                           "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for in, want := range map[string]bool{
		"http://127.0.0.1:8470":      true,
		"http://localhost:8470":      true,
		"http://[::1]:8470":          true,
		"https://coffer.example.com": false,
		"http://10.0.0.5:8470":       false,
	} {
		if got := isLoopback(in); got != want {
			t.Errorf("isLoopback(%q): got %v, want %v", in, got, want)
		}
	}
}
