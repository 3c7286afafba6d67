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
// none that can be used; an answer cut at the output limit is refused.
func (g *geminiProvider) readAnswer(a *genai.GenerateContentResponse, req Request) (Response, error) {
	text, cut, err := g.answerText(a, req)
	if err != nil {
		return Response{}, err
	}
	if cut {
		return Response{}, g.fail(InvalidOutput, ReasonTruncated, "the answer was cut at the output limit of %d tokens", geminiMaxTokens(req))
	}
	model := a.ModelVersion
	if model == "" {
		model = g.model
	}
	return Response{Text: text, Model: model, Usage: geminiUsage(a.UsageMetadata).Usage}, nil
}

// answerText is the text of the first candidate, and whether it stopped at
// the output limit; or why there is none. A blocked prompt or a filtered
// answer is this request's fault, not the provider's.
func (g *geminiProvider) answerText(a *genai.GenerateContentResponse, req Request) (text string, cut bool, err error) {
	if a == nil || len(a.Candidates) == 0 || a.Candidates[0] == nil {
		if a != nil && a.PromptFeedback != nil && a.PromptFeedback.BlockReason != "" {
			return "", false, g.fail(RequestCaused, ReasonBlocked, "the prompt was blocked (blockReason %s)", a.PromptFeedback.BlockReason)
		}
		return "", false, g.fail(InvalidOutput, ReasonEmptyAnswer, "the answer has no candidates")
	}
	c := a.Candidates[0]
	text = geminiText(c)
	empty := strings.TrimSpace(text) == ""
	switch {
	case c.FinishReason == genai.FinishReasonMaxTokens && empty:
		// A thinking model can spend the whole budget on thoughts.
		return "", false, g.fail(InvalidOutput, ReasonTruncated,
			"the model reached the output limit of %d tokens before writing an answer (%d spent on thinking)",
			geminiMaxTokens(req), geminiUsage(a.UsageMetadata).thoughts)
	case geminiBlockingFinishes[c.FinishReason]:
		return "", false, g.fail(RequestCaused, ReasonBlocked, "the answer was stopped (finishReason %s)", c.FinishReason)
	case empty:
		return "", false, g.fail(InvalidOutput, ReasonEmptyAnswer, "the answer has no text (finishReason %q)", c.FinishReason)
	}
	return text, c.FinishReason == genai.FinishReasonMaxTokens, nil
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
