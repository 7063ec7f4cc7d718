package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// upstreamLimits bound what -upstream reads: the vendor's description is input from
// another party (a URL a workflow fetches weekly), so a huge, endless or slow answer must
// fail clearly instead of exhausting CI.
type upstreamLimits struct {
	maxBytes int64         // all files of the description together
	maxFiles int           // the root file and every file its $refs name
	timeout  time.Duration // the whole load, every request included
}

// defaultUpstreamLimits fit the vendor's description with room to grow: today it is about
// 0.3 MiB bundled, or about 200 files when split as in its repository.
var defaultUpstreamLimits = upstreamLimits{maxBytes: 16 << 20, maxFiles: 2000, timeout: 2 * time.Minute}

// errUpstreamLimit is wrapped by the errors of a description over its limits.
var errUpstreamLimit = errors.New("over the limit")

// loadUpstream reads an OpenAPI description from a file or an http(s):// URL, following
// relative $refs to other files as the vendor's repository lays its description out. A
// $ref may name only a file under the directory of the root file, on the same origin
// (scheme, host and port) for a URL: never another host, and never a local file from a
// remote description.
func loadUpstream(ctx context.Context, location string, lim upstreamLimits, client *http.Client) (*openapi3.T, error) {
	ctx, cancel := context.WithTimeout(ctx, lim.timeout)
	defer cancel()
	r, root, err := newRefReader(location, lim, client)
	if err != nil {
		return nil, fmt.Errorf("cannot load upstream description %s: %w", location, err)
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = r.read
	var doc *openapi3.T
	if root.Scheme == "" {
		doc, err = loader.LoadFromFile(root.Path)
	} else {
		doc, err = loader.LoadFromURI(root)
	}
	if err != nil {
		if ctxErr := ctx.Err(); errors.Is(ctxErr, context.DeadlineExceeded) {
			err = fmt.Errorf("not loaded within %s: %w", lim.timeout, err)
		}
		return nil, fmt.Errorf("cannot load upstream description %s: %w", location, err)
	}
	return doc, nil
}

// refReader reads the files of one description within its limits and base.
type refReader struct {
	lim    upstreamLimits
	client *http.Client
	origin string // scheme://host[:port] of a remote description; "" for a local one
	base   string // the directory every file must be under: a URL path, or an absolute file path
	cache  map[string][]byte
	total  int64
}

// newRefReader parses location (a URL or a file path) and returns the reader and the root
// location to load.
func newRefReader(location string, lim upstreamLimits, client *http.Client) (*refReader, *url.URL, error) {
	r := &refReader{lim: lim, client: client, cache: map[string][]byte{}}
	if strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://") {
		u, err := url.Parse(location)
		if err != nil {
			return nil, nil, err
		}
		if u.Host == "" || u.User != nil {
			return nil, nil, errors.New("want http(s)://host/path, without user info")
		}
		u.Fragment = ""
		r.origin = u.Scheme + "://" + u.Host
		r.base = path.Dir(u.EscapedPath())
		if r.client == nil {
			r.client = &http.Client{}
		}
		c := *r.client
		c.CheckRedirect = r.checkRedirect
		r.client = &c
		return r, u, nil
	}
	if strings.Contains(location, "://") {
		return nil, nil, errors.New("only http://, https:// and local files are supported")
	}
	abs, err := filepath.Abs(location)
	if err != nil {
		return nil, nil, err
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return nil, nil, err
	}
	r.base = dir
	return r, &url.URL{Path: filepath.ToSlash(filepath.Join(dir, filepath.Base(abs)))}, nil
}

// checkRedirect follows a redirect only within the description's origin.
func (r *refReader) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	if req.URL.Scheme+"://"+req.URL.Host != r.origin {
		return fmt.Errorf("refusing a redirect to another origin (%s)", req.URL.Redacted())
	}
	return nil
}

// read is the loader's ReadFromURIFunc: it applies the base and the limits, then reads.
func (r *refReader) read(loader *openapi3.Loader, u *url.URL) ([]byte, error) {
	key, err := r.allowed(u)
	if err != nil {
		return nil, err
	}
	if data, ok := r.cache[key]; ok {
		return data, nil
	}
	if len(r.cache) >= r.lim.maxFiles {
		return nil, fmt.Errorf("%w: more than %d files", errUpstreamLimit, r.lim.maxFiles)
	}
	var data []byte
	if r.origin != "" {
		data, err = r.get(loader.Context, key)
	} else {
		data, err = r.readFile(key)
	}
	if err != nil {
		return nil, err
	}
	r.cache[key] = data
	return data, nil
}

// allowed returns the canonical name of u, or why it may not be read.
func (r *refReader) allowed(u *url.URL) (string, error) {
	if r.origin != "" {
		if u.Scheme+"://"+u.Host != r.origin {
			return "", fmt.Errorf("refusing $ref %s: not on %s", u.Redacted(), r.origin)
		}
		p := path.Clean(u.EscapedPath())
		if !strings.HasPrefix(p, strings.TrimSuffix(r.base, "/")+"/") {
			return "", fmt.Errorf("refusing $ref %s: outside %s%s/", u.Redacted(), r.origin, r.base)
		}
		return r.origin + p, nil
	}
	if u.Scheme != "" || u.Host != "" {
		return "", fmt.Errorf("refusing $ref %s: a local description may refer only to local files", u.Redacted())
	}
	p, err := filepath.EvalSymlinks(filepath.FromSlash(u.Path))
	if err != nil {
		return "", err
	}
	if rel, err := filepath.Rel(r.base, p); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("refusing $ref %s: outside %s", u.Path, r.base)
	}
	return p, nil
}

// take reads from rd what the total byte budget still allows.
func (r *refReader) take(name string, rd io.Reader) ([]byte, error) {
	left := r.lim.maxBytes - r.total
	data, err := io.ReadAll(io.LimitReader(rd, left+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > left {
		return nil, fmt.Errorf("%w: more than %d bytes in all (at %s)", errUpstreamLimit, r.lim.maxBytes, name)
	}
	r.total += int64(len(data))
	return data, nil
}

func (r *refReader) readFile(name string) ([]byte, error) {
	f, err := os.Open(name) //nolint:gosec // G304: checked to be under the description's directory
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // read-only file
	return r.take(name, f)
}

func (r *refReader) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	res, err := r.client.Do(req) //nolint:gosec // G704: only the origin the maintainer named, checked in allowed
	if err != nil {
		return nil, err
	}
	defer res.Body.Close() //nolint:errcheck // read-only body
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return r.take(u, res.Body)
}
