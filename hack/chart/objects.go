package chart

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"
	yamlutil "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// helmLabels are the labels a chart conventionally adds to its objects'
// metadata, and app.kubernetes.io/managed-by, which each install sets to its
// own tool. The comparison ignores them; no selector carries them.
var helmLabels = []string{
	"helm.sh/chart",
	"app.kubernetes.io/managed-by",
	"app.kubernetes.io/instance",
	"app.kubernetes.io/version",
}

// Object is one decoded manifest document.
type Object = map[string]any

// Key names an object as the API server does: kind, namespace and name.
func Key(obj Object) string {
	meta, _ := obj["metadata"].(map[string]any)
	namespace, _ := meta["namespace"].(string)
	name, _ := meta["name"].(string)
	kind, _ := obj["kind"].(string)
	return kind + "/" + namespace + "/" + name
}

// Decode splits a multi-document manifest into objects by Key, with the
// tools' own labels removed. Two documents with one key are an error.
func Decode(manifest []byte) (map[string]Object, error) {
	objects := map[string]Object{}
	reader := yamlutil.NewYAMLReader(bufio.NewReader(bytes.NewReader(manifest)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, err
		}
		var obj Object
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("decoding %q: %w", firstLine(doc), err)
		}
		if len(obj) == 0 {
			continue // a document of comments only
		}
		withoutToolLabels(obj)
		key := Key(obj)
		if _, dup := objects[key]; dup {
			return nil, fmt.Errorf("%s appears twice", key)
		}
		objects[key] = obj
	}
}

// Diff describes how the objects of got differ from those of want: missing
// and extra keys, then each differing object's fields. Empty means equal.
func Diff(want, got map[string]Object) string {
	var out strings.Builder
	for _, key := range sortedKeys(want) {
		if _, ok := got[key]; !ok {
			fmt.Fprintf(&out, "missing %s\n", key)
		}
	}
	for _, key := range sortedKeys(got) {
		if _, ok := want[key]; !ok {
			fmt.Fprintf(&out, "extra %s\n", key)
		}
	}
	for _, key := range sortedKeys(want) {
		if other, ok := got[key]; ok {
			if d := cmp.Diff(want[key], other); d != "" {
				fmt.Fprintf(&out, "%s (-want +got):\n%s", key, d)
			}
		}
	}
	return out.String()
}

func withoutToolLabels(obj Object) {
	meta, _ := obj["metadata"].(map[string]any)
	labels, _ := meta["labels"].(map[string]any)
	if labels == nil {
		return
	}
	for _, label := range helmLabels {
		delete(labels, label)
	}
	if len(labels) == 0 {
		delete(meta, "labels")
	}
}

func sortedKeys(objects map[string]Object) []string {
	return slices.Sorted(maps.Keys(objects))
}

func firstLine(doc []byte) string {
	line, _, _ := bytes.Cut(bytes.TrimSpace(doc), []byte("\n"))
	return string(line)
}
