{{- /*
A kind: its doc, scope and kubectl columns, its top-level fields, then its
spec and status types.
*/ -}}
{{- define "kind" -}}
{{- $t := .type -}}
## {{ $t.Name }}

{{ trim $t.Doc }}
{{- template "resourceFacts" $t }}
{{- template "rules" $t }}

| Field | Type | Description | Validation |
| --- | --- | --- | --- |
| `apiVersion` | string | `{{ .gv.GroupVersionString }}` | |
| `kind` | string | `{{ $t.Name }}` | |
{{- range $t.Members }}
{{ template "fieldRow" . }}
{{- end }}
{{- range $t.Members }}
{{- if or (eq .Name "spec") (eq .Name "status") }}

{{ template "typeSection" (dict "type" .Type "appearsIn" false) }}
{{- end }}
{{- end }}
{{- end -}}

{{- /* resourceFacts: scope, short names and the columns of `kubectl get`. */ -}}
{{- define "resourceFacts" -}}
{{- with index .Markers "kubebuilder:resource" }}
{{- $r := index . 0 }}

- Scope: {{ $r.Scope | default "Namespaced" }}
{{- with $r.ShortName }}
- Short names: {{ range $i, $n := . }}{{ if $i }}, {{ end }}`{{ $n }}`{{ end }}
{{- end }}
{{- end }}
{{- with index .Markers "kubebuilder:printcolumn" }}
- `kubectl get` columns: {{ range $i, $c := . }}{{ if $i }}, {{ end }}{{ $c.Name }} (`{{ $c.JSONPath }}`){{ end }}
{{- end }}
{{- end -}}
