package e2e

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The machines the tests run on have no Docker engine, so the suite builds
// the manager the way the Dockerfile's builder stage does instead: from
// only the files .dockerignore lets into the build context, by the stage's
// own COPY and RUN instructions, with its ARGs. Every end-to-end spec then
// runs that binary, the one the image would hold. A file the build needs
// but the context leaves out, a COPY of a missing path, or a broken RUN
// fails the suite.

// imageVersion is the VERSION build argument the suite passes.
const imageVersion = "e2e-image"

// buildImageManager builds the manager as the image's builder stage does,
// into out.
func buildImageManager(root, out string) {
	GinkgoHelper()
	context, workspace := GinkgoT().TempDir(), GinkgoT().TempDir()
	copyBuildContext(root, context)
	args := map[string]string{"TARGETOS": runtime.GOOS, "TARGETARCH": runtime.GOARCH, "VERSION": imageVersion}
	stage := builderStage(filepath.Join(root, "Dockerfile"))
	for _, in := range stage {
		switch in.op {
		case "ARG":
			name, value, _ := strings.Cut(in.args, "=")
			if _, set := args[name]; !set {
				args[name] = value
			}
		case "COPY":
			fields := strings.Fields(in.args)
			dest := filepath.Join(workspace, fields[len(fields)-1])
			for _, src := range fields[:len(fields)-1] {
				copyPath(filepath.Join(context, src), dest, strings.HasSuffix(fields[len(fields)-1], "/"))
			}
		case "RUN":
			run := exec.Command("sh", "-c", in.args)
			run.Dir = workspace
			run.Env = os.Environ()
			for k, v := range args {
				run.Env = append(run.Env, k+"="+v)
			}
			output, err := run.CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), "Dockerfile: RUN %s\n%s", in.args, output)
		}
	}
	binary := filepath.Join(workspace, imageBinary(filepath.Join(root, "Dockerfile")))
	Expect(binary).To(BeAnExistingFile(), "the final stage copies %s from the builder", binary)
	Expect(os.Rename(binary, out)).To(Succeed())
	version, err := exec.Command(out, "--version").CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(version))
	Expect(string(version)).To(Equal("bottleneck-operator "+imageVersion+"\n"), "the version is stamped")
}

// instruction is one Dockerfile instruction, its continuation lines joined.
type instruction struct{ op, args string }

// dockerfile reads the instructions of a Dockerfile.
func dockerfile(path string) []instruction {
	GinkgoHelper()
	f, err := os.Open(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	var out []instruction
	var line strings.Builder
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		text := strings.TrimSpace(scanner.Text())
		if line.Len() == 0 && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		if cont, ok := strings.CutSuffix(text, "\\"); ok {
			line.WriteString(cont + " ")
			continue
		}
		line.WriteString(text)
		op, args, _ := strings.Cut(line.String(), " ")
		out = append(out, instruction{op: strings.ToUpper(op), args: strings.TrimSpace(args)})
		line.Reset()
	}
	Expect(scanner.Err()).NotTo(HaveOccurred())
	return out
}

// builderStage is the instructions of the first stage, after its FROM.
func builderStage(path string) []instruction {
	GinkgoHelper()
	all := dockerfile(path)
	Expect(all).NotTo(BeEmpty())
	Expect(all[0].op).To(Equal("FROM"), "the Dockerfile starts with its builder stage")
	for i, in := range all[1:] {
		if in.op == "FROM" {
			return all[1 : i+1]
		}
	}
	return all[1:]
}

// imageBinary is the builder's file the final stage copies, relative to
// the builder's WORKDIR (/workspace).
func imageBinary(path string) string {
	GinkgoHelper()
	for _, in := range dockerfile(path) {
		if in.op == "COPY" && strings.HasPrefix(in.args, "--from=builder ") {
			src := strings.Fields(in.args)[1]
			rel, ok := strings.CutPrefix(src, "/workspace/")
			Expect(ok).To(BeTrue(), "COPY --from=builder %s: not under the builder's WORKDIR /workspace", src)
			return rel
		}
	}
	Fail("the Dockerfile's final stage copies nothing from the builder")
	return ""
}

// copyBuildContext copies into dir the files of root that .dockerignore
// lets into the build context, matched as Docker matches them.
func copyBuildContext(root, dir string) {
	GinkgoHelper()
	f, err := os.Open(filepath.Join(root, ".dockerignore"))
	Expect(err).NotTo(HaveOccurred())
	patterns, err := ignorefile.ReadAll(f)
	f.Close()
	Expect(err).NotTo(HaveOccurred())
	pm, err := patternmatcher.New(patterns)
	Expect(err).NotTo(HaveOccurred())
	Expect(filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == ".git" || rel == "bin" {
				return filepath.SkipDir
			}
			return nil
		}
		excluded, err := pm.MatchesOrParentMatches(filepath.ToSlash(rel))
		if err != nil || excluded {
			return err
		}
		copyPath(path, filepath.Join(dir, rel), false)
		return nil
	})).To(Succeed())
}

// copyPath copies a file or a folder to dest, or into dest when into.
func copyPath(src, dest string, into bool) {
	GinkgoHelper()
	info, err := os.Stat(src)
	Expect(err).NotTo(HaveOccurred(), "the build context has no %s", src)
	if into && !info.IsDir() {
		dest = filepath.Join(dest, filepath.Base(src))
	}
	Expect(os.MkdirAll(filepath.Dir(dest), 0o755)).To(Succeed())
	if info.IsDir() {
		Expect(os.CopyFS(dest, os.DirFS(src))).To(Succeed())
		return
	}
	data, err := os.ReadFile(src)
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(dest, data, 0o644)).To(Succeed())
}
