// Command apidocs writes the API reference, docs/reference/api.md, from the
// Go types in api/v1alpha1; `make docs` runs it from the repository root.
//
// It runs crd-ref-docs with config.yaml and templates/ beside this file. The
// tool is pinned in tools/go.mod, a module of its own, so that neither it nor
// its dependencies enter the operator's go.mod; `go tool` builds it once and
// caches it.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

func main() {
	root := flag.String("root", ".", "the repository's root")
	out := flag.String("out", "docs/reference/api.md", "the file to write")
	flag.Parse()
	if err := generate(*root, *out); err != nil {
		fmt.Fprintln(os.Stderr, "apidocs:", err)
		os.Exit(1)
	}
}

// generate writes the API reference of the repository at root into out.
func generate(root, out string) error {
	root, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	// Resolved here, as the tool runs in another directory.
	out, err = filepath.Abs(out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	here := filepath.Join(root, "hack", "apidocs")
	cmd := exec.Command("go", "tool", "crd-ref-docs",
		"--config", filepath.Join(here, "config.yaml"),
		"--templates-dir", filepath.Join(here, "templates"),
		"--source-path", filepath.Join(root, "api", "v1alpha1"),
		"--renderer", "markdown",
		"--output-path", out,
		"--log-level", "ERROR",
	)
	// The tool's own module, where `go tool` finds the pinned version.
	cmd.Dir = filepath.Join(here, "tools")
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("crd-ref-docs: %w\n%s", err, output)
	}
	return nil
}
