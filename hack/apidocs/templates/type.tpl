{{- /*
typeSection renders one type that is not a kind: a struct as a field
table, an enum with its values, any other alias with its underlying type
and bounds. Arguments: type, and appearsIn to list the types that use it.
*/ -}}
{{- define "typeSection" -}}
{{- $t := .type -}}
### {{ $t.Name }}
{{- if $t.IsAlias }}

_Underlying type:_ {{ markdownRenderTypeLink $t.UnderlyingType }}
{{- end }}
{{- with trim $t.Doc }}

{{ . }}
{{- end }}
{{- template "typeValidation" $t }}
{{- template "rules" $t }}
{{- if .appearsIn }}
{{- with $t.SortedReferences }}

_Appears in:_ {{ range $i, $r := . }}{{ if $i }}, {{ end }}{{ markdownRenderTypeLink $r }}{{ end }}
{{- end }}
{{- end }}
{{- if $t.Fields }}

| Field | Type | Description | Validation |
| --- | --- | --- | --- |
{{- range $t.Members }}
{{ template "fieldRow" . }}
{{- end }}
{{- end }}
{{- template "enumValues" $t }}
{{- end -}}

{{- /*
typeValidation lists an alias's own bounds (a Decimal's pattern). An enum's
values are listed by enumValues instead.
*/ -}}
{{- define "typeValidation" -}}
{{- $bounds := list -}}
{{- range .Validation }}
{{- if not (hasPrefix "Enum: " .) }}{{ $bounds = append $bounds . }}{{ end }}
{{- end }}
{{- with $bounds }}

_Validation:_
{{- range . }}
- {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{- /* rules lists the CEL rules of a type by their messages. */ -}}
{{- define "rules" -}}
{{- with index .Markers "kubebuilder:validation:XValidation" }}

_Rules:_
{{- range . }}
- {{ .Message | default (printf "`%s`" .Rule) }}
{{- end }}
{{- end }}
{{- end -}}

{{- /*
enumValues: a table when the constants are documented, else one line.
Each constant's comment starts with its Go name ("OutcomeSucceeded: ..."),
which means nothing in YAML, so it is cut.
*/ -}}
{{- define "enumValues" -}}
{{- $documented := false -}}
{{- range .EnumValues }}{{ if .Doc }}{{ $documented = true }}{{ end }}{{ end -}}
{{- if $documented }}

| Value | Description |
| --- | --- |
{{- range .EnumValues }}
| `{{ .Name }}` | {{ template "cellText" (regexReplaceAll "^\\w+: " .Doc "") }} |
{{- end }}
{{- else if .EnumValues }}

_Values:_ {{ range $i, $v := .EnumValues }}{{ if $i }}, {{ end }}`{{ $v.Name }}`{{ end }}
{{- end }}
{{- end -}}
