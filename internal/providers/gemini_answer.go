package providers

import (
	"strings"

	"google.golang.org/genai"
)

// geminiBlockingFinishes are the finish reasons that mean a filter, not the
// model, ended the answer.
var geminiBlockingFinishes = map[genai.FinishReason]bool{
	genai.FinishReasonSafety:            true,
	genai.FinishReasonRecitation:        true,
	genai.FinishReasonBlocklist:         true,
	genai.FinishReasonProhibitedContent: true,
	genai.FinishReasonSPII:              true,
}

// readAnswer takes the text of the first candidate, or says why there is
// none that can be used.
func (g *geminiProvider) readAnswer(a *genai.GenerateContentResponse, req Request) (Response, error) {
	if a == nil || len(a.Candidates) == 0 || a.Candidates[0] == nil {
		if a != nil && a.PromptFeedback != nil && a.PromptFeedback.BlockReason != "" {
			return Response{}, g.fail(InvalidOutput, ReasonBlocked, "the prompt was blocked (blockReason %s)", a.PromptFeedback.BlockReason)
		}
		return Response{}, g.fail(InvalidOutput, ReasonEmptyAnswer, "the answer has no candidates")
	}
	c := a.Candidates[0]
	text := geminiText(c)
	switch {
	case c.FinishReason == genai.FinishReasonMaxTokens:
		if strings.TrimSpace(text) == "" {
			// A thinking model can spend the whole budget on thoughts.
			return Response{}, g.fail(InvalidOutput, ReasonTruncated,
				"the model reached the output limit of %d tokens before writing an answer (%d spent on thinking)",
				geminiMaxTokens(req), geminiUsage(a.UsageMetadata).thoughts)
		}
		return Response{}, g.fail(InvalidOutput, ReasonTruncated, "the answer was cut at the output limit of %d tokens", geminiMaxTokens(req))
	case geminiBlockingFinishes[c.FinishReason]:
		return Response{}, g.fail(InvalidOutput, ReasonBlocked, "the answer was stopped (finishReason %s)", c.FinishReason)
	case strings.TrimSpace(text) == "":
		return Response{}, g.fail(InvalidOutput, ReasonEmptyAnswer, "the answer has no text (finishReason %q)", c.FinishReason)
	}
	model := a.ModelVersion
	if model == "" {
		model = g.model
	}
	return Response{Text: text, Model: model, Usage: geminiUsage(a.UsageMetadata).Usage}, nil
}

// geminiText concatenates a candidate's text parts. Thought summaries are
// not the answer and are left out.
func geminiText(c *genai.Candidate) string {
	if c.Content == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range c.Content.Parts {
		if p != nil && !p.Thought {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// geminiTokens is the usage of one call, and how much of it was thinking.
type geminiTokens struct {
	Usage
	thoughts int
}

// geminiUsage reads usageMetadata. Thinking tokens are billed as output, so
// they count as completion tokens.
func geminiUsage(u *genai.GenerateContentResponseUsageMetadata) geminiTokens {
	if u == nil {
		return geminiTokens{}
	}
	return geminiTokens{
		Usage: Usage{
			PromptTokens:     int(u.PromptTokenCount),
			CompletionTokens: int(u.CandidatesTokenCount) + int(u.ThoughtsTokenCount),
			TotalTokens:      int(u.TotalTokenCount),
		},
		thoughts: int(u.ThoughtsTokenCount),
	}
}
