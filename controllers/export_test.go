package controllers

import (
	"math"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// WriteResult writes res into fc's status as a successful reconcile does,
// with the longest provenance the controller can record.
func WriteResult(fc *v1.Forecast, res engine.Result) {
	now := metav1.NewTime(time.Now())
	fc.Status.LastAttempt = &v1.Attempt{Time: now, Provider: v1.ProviderHuggingFace, Epoch: math.MaxInt64,
		Outcome: v1.OutcomeSucceeded, Reason: v1.SucceededReason, Message: strings.Repeat("m", 1024),
		InputHash: strings.Repeat("f", 32), LockUID: "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}
	t := target{spec: v1.ProviderSpec{Name: v1.ProviderHuggingFace}, model: "meta-llama/Llama-3.3-70B-Instruct", epoch: math.MaxInt64}
	writeResult(fc, t, strings.Repeat("m", 256), res, fc.Status.LastAttempt.InputHash)
	markFresh(fc, now.Add(time.Hour))
}
