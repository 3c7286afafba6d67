{{- /* fieldRow is one row of a field table. */ -}}
{{- define "fieldRow" -}}
| `{{ .Name }}` | {{ template "fieldType" .Type }} | {{ template "cellText" .Doc }} | {{ template "fieldValidation" . }} |
{{- end -}}

{{- /*
fieldType links a type to its section or to the Kubernetes reference.
Duration and UID have no entry there, so they link to their Go docs.
*/ -}}
{{- define "fieldType" -}}
{{- if and (eq .Package "k8s.io/apimachinery/pkg/apis/meta/v1") (eq .Name "Duration") -}}
[Duration](https://pkg.go.dev/k8s.io/apimachinery/pkg/apis/meta/v1#Duration) (string)
{{- else if and (eq .Package "k8s.io/apimachinery/pkg/types") (eq .Name "UID") -}}
[UID](https://pkg.go.dev/k8s.io/apimachinery/pkg/types#UID) (string)
{{- else -}}
{{ markdownRenderType . }}
{{- end -}}
{{- end -}}

{{- /*
fieldValidation: required or optional first, then the default, the bounds
and the messages of the field's own CEL rules (its type's rules are listed
under the type). "Type: string" only says how a Duration is serialized,
which the type column shows.
*/ -}}
{{- define "fieldValidation" -}}
{{- $items := list -}}
{{- range .Validation }}
{{- if eq . "Required: {}" }}{{ $items = append $items "Required" }}{{ end }}
{{- if eq . "Optional: {}" }}{{ $items = append $items "Optional" }}{{ end }}
{{- end }}
{{- with .Default }}{{ $items = append $items (printf "Default: `%s`" (regexReplaceAll "^\\{\\s*\\}$" . "{}")) }}{{ end }}
{{- range .Validation }}
{{- if hasPrefix "Enum: [" . }}
{{- $values := splitList " " (trimSuffix "]" (trimPrefix "Enum: [" .)) }}
{{- $items = append $items (printf "Enum: `%s`" (join "`, `" $values)) }}
{{- else if regexMatch "^\\w+: [0-9.]+e\\+[0-9]+$" . }}
{{- /* A bound parsed as a float (1e+06): write out its digits. */}}
{{- $bound := splitList ": " . }}
{{- $items = append $items (printf "%s: %.0f" (index $bound 0) (float64 (index $bound 1))) }}
{{- else if not (has . (list "Required: {}" "Optional: {}" "Type: string")) }}
{{- $items = append $items . }}
{{- end }}
{{- end }}
{{- $inherited := list -}}
{{- range list .Type .Type.UnderlyingType }}
{{- with . }}{{ range index .Markers "kubebuilder:validation:XValidation" }}{{ $inherited = append $inherited .Rule }}{{ end }}{{ end }}
{{- end }}
{{- range index .Markers "kubebuilder:validation:XValidation" }}
{{- if not (has .Rule $inherited) }}
{{- $items = append $items (printf "Rule: %s" (.Message | default (printf "`%s`" .Rule))) }}
{{- end }}
{{- end }}
{{- join "<br />" $items | replace "|" "\\|" }}
{{- end -}}

{{- /*
cellText fits a doc comment into a table cell: the comment's line breaks
become spaces, its blank lines paragraph breaks, and pipes are escaped.
*/ -}}
{{- define "cellText" -}}
{{- $s := regexReplaceAll "\\s*\n\\s*\n\\s*" (trim .) "<br /><br />" -}}
{{- $s = regexReplaceAll "\\s*\n\\s*" $s " " -}}
{{- replace "|" "\\|" $s -}}
{{- end -}}
