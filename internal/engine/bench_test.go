package engine

import "testing"

func BenchmarkNormalizeTypical(b *testing.B) {
	raw, d := readAnswer(b, "fenced-prose.md"), portData()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalize(raw, d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtract(b *testing.B) {
	raw := readAnswer(b, "fenced-prose.md")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := extractJSON(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeAnswer(b *testing.B) {
	obj, err := extractJSON(readAnswer(b, "fenced-prose.md"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeAnswer(obj); err != nil {
			b.Fatal(err)
		}
	}
}
