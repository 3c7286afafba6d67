package engine

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestBuildPromptUserRoundTrips(t *testing.T) {
	d := portData()
	d.Subject = "throughput <TEU> & more" // HTML-looking text stays unescaped
	p := BuildPrompt(d)
	var got userMessage
	if err := json.Unmarshal([]byte(p.User), &got); err != nil {
		t.Fatalf("User is not JSON: %v\n%s", err, p.User)
	}
	if !reflect.DeepEqual(got.Data, d) {
		t.Errorf("data round trip:\n got %+v\nwant %+v", got.Data, d)
	}
	if !slices.Equal(got.Periods, d.Periods()) {
		t.Errorf("periods = %q, want %q", got.Periods, d.Periods())
	}
	if !strings.Contains(p.User, "<TEU> & more") {
		t.Errorf("subject was escaped: %s", p.User)
	}
	if !strings.Contains(p.System, "exactly 6 predictions") || !strings.Contains(p.System, "80% prediction interval") {
		t.Errorf("system prompt does not state the task: %s", p.System)
	}
}

func TestBuildPromptSchemaIsStrict(t *testing.T) {
	schema := BuildPrompt(portData()).Schema
	if _, err := json.Marshal(schema); err != nil {
		t.Fatalf("schema does not marshal: %v", err)
	}
	checkStrict(t, "$", schema)
	props := schema["properties"].(map[string]any)
	items := props["predictions"].(map[string]any)["items"].(map[string]any)
	enum := items["properties"].(map[string]any)["period"].(map[string]any)["enum"]
	if want := []any{"2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"}; !reflect.DeepEqual(enum, want) {
		t.Errorf("period enum = %v, want %v", enum, want)
	}
	for _, field := range []string{"summary", "riskLevel", "confidence", "predictions", "bottlenecks"} {
		if _, ok := props[field]; !ok {
			t.Errorf("schema lacks %q", field)
		}
	}
}

// strictKeywords are the schema keywords every structured-output API the
// operator uses accepts.
var strictKeywords = []string{"type", "properties", "required", "additionalProperties", "items", "enum", "description"}

// checkStrict walks a schema and asserts OpenAI strict-mode rules: objects
// require every property and forbid others; only known keywords and types.
func checkStrict(t *testing.T, path string, node map[string]any) {
	t.Helper()
	for key := range node {
		if !slices.Contains(strictKeywords, key) {
			t.Errorf("%s: keyword %q is not in the strict subset", path, key)
		}
	}
	switch node["type"] {
	case "object":
		props, _ := node["properties"].(map[string]any)
		if node["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties must be false", path)
		}
		var required []string
		for _, r := range node["required"].([]any) {
			required = append(required, r.(string))
		}
		var names []string
		for name, child := range props {
			names = append(names, name)
			checkStrict(t, path+"."+name, child.(map[string]any))
		}
		slices.Sort(names)
		slices.Sort(required)
		if !slices.Equal(names, required) {
			t.Errorf("%s: required %v, want every property %v", path, required, names)
		}
	case "array":
		items, ok := node["items"].(map[string]any)
		if !ok {
			t.Fatalf("%s: array without items", path)
		}
		checkStrict(t, path+"[]", items)
	case "string", "number", "integer", "boolean":
	default:
		t.Errorf("%s: type %v", path, node["type"])
	}
}

func TestBuildPromptCountsFollowHorizon(t *testing.T) {
	d := portData()
	d.Horizon = 2
	p := BuildPrompt(d)
	if !strings.Contains(p.System, "exactly 2 predictions") {
		t.Errorf("system prompt: %s", p.System)
	}
	desc := p.Schema["properties"].(map[string]any)["predictions"].(map[string]any)["description"].(string)
	if !strings.HasPrefix(desc, "Exactly 2 items") {
		t.Errorf("predictions description = %q", desc)
	}
}
