package dashboard

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// Page sizes of the forecast list.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// Sort orders of the forecast list.
const (
	// SortName orders by namespace, then name.
	SortName = "name"
	// SortRisk orders by risk level (Critical first, no result last), then
	// risk score (highest first), then namespace and name.
	SortRisk = "risk"
)

// Query parameters.
const (
	paramNamespace = "namespace"
	paramRegion    = "region"
	paramRisk      = "risk"
	paramProvider  = "provider"
	paramState     = "state"
	paramSort      = "sort"
	paramLimit     = "limit"
	paramContinue  = "continue"
	paramTop       = "top"
)

var (
	riskLevels = []string{string(v1.RiskLow), string(v1.RiskModerate), string(v1.RiskHigh), string(v1.RiskCritical)}
	// providerNames in the default priority order.
	providerNames = []string{string(v1.ProviderOpenAI), string(v1.ProviderGemini), string(v1.ProviderGroq),
		string(v1.ProviderCloudflare), string(v1.ProviderHuggingFace), string(v1.ProviderBaseline)}
	sortOrders = []string{SortName, SortRisk}
	states     = []string{StateReady, StateFailing, StateStale, StatePending, StateSuspended}
)

// listQuery is a parsed forecast-list query. The zero value of each filter
// matches everything.
type listQuery struct {
	namespace string
	region    string   // compared case-insensitively
	risks     []string // canonical risk levels
	providers []string // canonical provider names
	states    []string // canonical states
	sort      string
	limit     int
	after     string // sort key of the last item of the previous page
}

// parseListQuery reads namespace, region, risk, provider, state, sort,
// limit and continue. risk, provider and state take several values,
// repeated or comma-separated; empty values are ignored, as an HTML form sends them.
// Unknown parameters are ignored.
func parseListQuery(v url.Values) (listQuery, *APIError) {
	q := listQuery{
		namespace: strings.TrimSpace(v.Get(paramNamespace)),
		region:    strings.TrimSpace(v.Get(paramRegion)),
		sort:      SortName,
		limit:     defaultLimit,
	}
	var err *APIError
	if q.risks, err = oneOfEach(v, paramRisk, append(slices.Clone(riskLevels), NoRisk)); err != nil {
		return q, err
	}
	if q.providers, err = oneOfEach(v, paramProvider, append(slices.Clone(providerNames), NoProvider)); err != nil {
		return q, err
	}
	if q.states, err = oneOfEach(v, paramState, states); err != nil {
		return q, err
	}
	if s := strings.TrimSpace(v.Get(paramSort)); s != "" {
		if q.sort = canonical(s, sortOrders); q.sort == "" {
			return q, badParameter(paramSort, fmt.Sprintf("sort %q is not one of %s", s, strings.Join(sortOrders, ", ")), sortOrders)
		}
	}
	if q.limit, err = intParam(v, paramLimit, defaultLimit, 1, maxLimit); err != nil {
		return q, err
	}
	if token := strings.TrimSpace(v.Get(paramContinue)); token != "" {
		if q.after, err = decodeContinue(token, q.sort); err != nil {
			return q, err
		}
	}
	return q, nil
}

// oneOfEach splits a multi-valued parameter and maps each value to its
// canonical spelling in allowed, case-insensitively.
func oneOfEach(v url.Values, param string, allowed []string) ([]string, *APIError) {
	var out []string
	for _, raw := range v[param] {
		for s := range strings.SplitSeq(raw, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			c := canonical(s, allowed)
			if c == "" {
				return nil, badParameter(param, fmt.Sprintf("%s %q is not one of %s", param, s, strings.Join(allowed, ", ")), allowed)
			}
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

func canonical(s string, allowed []string) string {
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return a
		}
	}
	return ""
}

// intParam reads an integer parameter in lo..hi, fallback when absent.
func intParam(v url.Values, param string, fallback, lo, hi int) (int, *APIError) {
	s := strings.TrimSpace(v.Get(param))
	if s == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, badParameter(param, fmt.Sprintf("%s %q must be a whole number from %d to %d", param, s, lo, hi), nil)
	}
	return n, nil
}

func badParameter(param, message string, allowed []string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Reason: ReasonInvalidParameter, Message: message,
		Parameter: param, Allowed: allowed}
}

// matches reports whether a Forecast passes the filters. The namespace is
// usually applied by the List call already; checking it again is cheap.
func (q listQuery) matches(fc *v1.Forecast, a assessor) bool {
	if q.namespace != "" && fc.Namespace != q.namespace {
		return false
	}
	if q.region != "" && !strings.EqualFold(fc.Spec.Region, q.region) {
		return false
	}
	if len(q.risks) > 0 && !slices.Contains(q.risks, riskKey(fc)) {
		return false
	}
	if len(q.providers) > 0 && !slices.Contains(q.providers, providerKey(fc)) {
		return false
	}
	if len(q.states) > 0 && !slices.Contains(q.states, a.assess(fc).state) {
		return false
	}
	return true
}

// values is the query as URL parameters, without the continue token; the
// page uses it to build its links.
func (q listQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set(paramNamespace, q.namespace)
	set(paramRegion, q.region)
	set(paramRisk, strings.Join(q.risks, ","))
	set(paramProvider, strings.Join(q.providers, ","))
	set(paramState, strings.Join(q.states, ","))
	if q.sort != SortName {
		v.Set(paramSort, q.sort)
	}
	if q.limit != defaultLimit {
		v.Set(paramLimit, strconv.Itoa(q.limit))
	}
	return v
}

// keyed is a Forecast with its sort key.
type keyed struct {
	key string
	fc  *v1.Forecast
}

// sortKey orders Forecasts as q.sort asks. Names cannot hold a NUL byte, so
// it separates namespace from name and the keys compare as the order says.
func (q listQuery) sortKey(fc *v1.Forecast) string {
	name := fc.Namespace + "\x00" + fc.Name
	if q.sort != SortRisk {
		return name
	}
	score := min(max(int(fc.Status.RiskScore), 0), 100)
	var b strings.Builder
	b.Grow(4 + len(name))
	b.WriteByte(byte('0' + riskRank(string(fc.Status.RiskLevel))))
	b.WriteString(strconv.Itoa(1000 + 100 - score)[1:]) // 100-score on three digits
	b.WriteString(name)
	return b.String()
}

// riskRank orders risk levels: Critical 0, High 1, Moderate 2, Low 3,
// anything else 4.
func riskRank(level string) int {
	switch v1.RiskLevel(level) {
	case v1.RiskCritical:
		return 0
	case v1.RiskHigh:
		return 1
	case v1.RiskModerate:
		return 2
	case v1.RiskLow:
		return 3
	}
	return 4
}

// page filters, sorts and cuts one page out of items, and says where the
// page starts among the matching items. Paging is keyset: the continue
// token holds the sort key of the last item served, so pages neither
// repeat nor skip items when Forecasts come and go in between.
func (q listQuery) page(items []v1.Forecast, a assessor) (ForecastList, int) {
	matched := make([]keyed, 0, len(items))
	for i := range items {
		if fc := &items[i]; q.matches(fc, a) {
			matched = append(matched, keyed{key: q.sortKey(fc), fc: fc})
		}
	}
	slices.SortFunc(matched, func(x, y keyed) int { return strings.Compare(x.key, y.key) })
	start := 0
	if q.after != "" {
		start, _ = slices.BinarySearchFunc(matched, q.after, func(k keyed, after string) int {
			if k.key <= after {
				return -1
			}
			return 1
		})
	}
	end := min(start+q.limit, len(matched))
	out := ForecastList{Items: make([]ForecastItem, 0, end-start), Total: len(matched), Limit: q.limit, Sort: q.sort}
	for _, k := range matched[start:end] {
		out.Items = append(out.Items, itemView(k.fc, a.assess(k.fc)))
	}
	if end < len(matched) {
		out.Continue = encodeContinue(q.sort, matched[end-1].key)
	}
	return out, start
}

// continueToken is the content of a continue token.
type continueToken struct {
	Sort  string `json:"s"`
	After string `json:"a"`
}

func encodeContinue(sort, after string) string {
	b, _ := json.Marshal(continueToken{Sort: sort, After: after}) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeContinue reads a token made by encodeContinue for the same order.
func decodeContinue(token, sort string) (string, *APIError) {
	var t continueToken
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.After == "" {
		return "", badParameter(paramContinue, "continue is not a token from a previous page of this list", nil)
	}
	if t.Sort != sort {
		return "", badParameter(paramContinue, fmt.Sprintf("continue was made for sort=%s, not sort=%s", t.Sort, sort), nil)
	}
	return t.After, nil
}

// riskKey is the Forecast's risk level, or NoRisk without a result, as the
// risk filter and the summary's byRisk name it.
func riskKey(fc *v1.Forecast) string {
	if !hasResult(fc) {
		return NoRisk
	}
	return string(fc.Status.RiskLevel)
}

// providerKey is the provider of the Forecast's result, or NoProvider
// without one, as the provider filter and the summary's byProvider name it.
func providerKey(fc *v1.Forecast) string {
	if !hasResult(fc) {
		return NoProvider
	}
	return string(fc.Status.Provider)
}
