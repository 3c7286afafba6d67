{{- /*
One group-version: its kinds first, each followed by its spec and status,
then every other type they use, in name order.
*/ -}}
{{- define "gvDetails" -}}
{{- $gv := . -}}
{{- /* A kind's spec and status are rendered under the kind, not again. */ -}}
{{- $kindParts := list -}}
{{- range $gv.Kinds }}
{{- $kindParts = append (append $kindParts (printf "%sSpec" .)) (printf "%sStatus" .) }}
{{- end -}}
API group and version: `{{ $gv.GroupVersionString }}`

{{ trim $gv.Doc }}

Durations are written as Go durations (`30s`, `5m`, `1h`) and times as
RFC 3339 (`2025-03-31T12:00:00Z`).

Kinds:
{{ range $gv.SortedKinds }}
{{- with $gv.TypeForKind . }}
- {{ markdownRenderTypeLink . }}
{{- end }}
{{- end }}
{{- range $gv.SortedKinds }}
{{- with $gv.TypeForKind . }}

{{ template "kind" (dict "type" . "gv" $gv) }}
{{- end }}
{{- end }}

## Nested types
{{- range $gv.SortedTypes }}
{{- if and (markdownShouldRenderType .) (not .GVK) (not (has .Name $kindParts)) }}

{{ template "typeSection" (dict "type" . "appearsIn" true) }}
{{- end }}
{{- end }}
{{- end -}}
