package cli

import (
	"flag"
	"sort"
	"strings"
)

// didYouMean returns `; did you mean "X"?` for the candidate closest to word, or ""
// when none is close (an edit distance of at most a third of the word, at least 1,
// or a word that starts the same way).
func didYouMean(word string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := editDistance(word, c)
		if strings.HasPrefix(c, word) && len(word) >= 3 {
			d = min(d, 1)
		}
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > max(1, len(word)/3) {
		return ""
	}
	return "; did you mean \"" + best + "\"?"
}

// commandNames lists every command path and group name.
func commandNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range commands() {
		for _, n := range []string{c.path, strings.Fields(c.path)[0]} {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	out = append(out, "help")
	sort.Strings(out)
	return out
}

// flagSuggestion turns the flag package's "flag provided but not defined: -nope"
// into a suggestion of the closest defined flag.
func flagSuggestion(fs *flag.FlagSet, err error) string {
	const marker = "flag provided but not defined: "
	msg := err.Error()
	i := strings.Index(msg, marker)
	if i < 0 {
		return ""
	}
	name := strings.TrimLeft(msg[i+len(marker):], "-")
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Name) > 1 {
			names = append(names, f.Name)
		}
	})
	s := didYouMean(name, names)
	if s == "" {
		return ""
	}
	return strings.Replace(s, `"`, `"--`, 1)
}

// editDistance is the Levenshtein distance between a and b (bytes; names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func globalSuggestion(name string) string {
	var names []string
	for n := range globalFlags {
		if len(n) > 1 {
			names = append(names, n)
		}
	}
	s := didYouMean(name, names)
	if s == "" {
		return ""
	}
	return strings.Replace(s, `"`, `"--`, 1)
}
