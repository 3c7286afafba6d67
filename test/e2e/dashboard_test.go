package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The dashboard, in a real headless Chromium (Debian's package, which
// `make test` installs when missing), served by local mode's manager on the
// local control plane with the fake providers behind the lock.
var _ = Describe("the dashboard in a browser", func() {
	It("shows the lock and the forecasts, a forecast's chart, and a failover without a reload", func(ctx SpecContext) {
		browserPath, err := exec.LookPath("chromium")
		Expect(err).NotTo(HaveOccurred(), "the browser test needs Debian's chromium: `make test` installs it (hack/install-deb.sh)")
		shots := screenshotDir()

		kubeconfig := filepath.Join(GinkgoT().TempDir(), "kubeconfig")
		local := startLocalMode("--kubeconfig-out", kubeconfig, "--fake-providers=127.0.0.1:0",
			"--metrics-bind-address=0", "--health-probe-bind-address=0", "--dashboard-bind-address=127.0.0.1:0")
		Eventually(func() string { return local.output.String() }).WithTimeout(60 * time.Second).
			Should(ContainSubstring("served by a fake server"))
		dashboardURL := printed(local, `dashboard:\s+(http://\S+)`)
		fakeURL := printed(local, `served by a fake server at (http://\S+) `)
		out, err := run(ctx, kubeconfig, "wait", "--for=condition=Ready", "forecasts", "--all", "-A", "--timeout=60s")
		Expect(err).NotTo(HaveOccurred(), out)

		browser := newBrowser(ctx, browserPath)
		const usa = chromedp.CSS(`tr[data-forecast="default/usa-port-throughput"]`)

		By("the overview: the lock panel and a forecast row")
		Expect(chromedp.Do(browser, chromedp.Navigate(dashboardURL), chromedp.WaitVisible(usa))).To(Succeed())
		Expect(text(browser, "#active-provider")).To(Equal("openai"))
		Expect(text(browser, "#lock-epoch")).To(Equal("1"))
		row := text(browser, usa)
		Expect(row).To(ContainSubstring("USA"))
		Expect(row).To(ContainSubstring("openai"))
		Expect(row).To(MatchRegexp(`Low|Moderate|High|Critical`), "the risk is written out, not only coloured")
		screenshot(browser, shots, "overview.png")

		By("the detail view and its chart")
		Expect(chromedp.Do(browser, chromedp.Click(usa+` th a`), chromedp.WaitVisible(chromedp.CSS("#chart")))).To(Succeed())
		chartWidth, err := chromedp.Run(browser, chromedp.Poll[int](
			`document.getElementById("chart").complete && document.getElementById("chart").naturalWidth`))
		Expect(err).NotTo(HaveOccurred())
		Expect(chartWidth).To(BeNumerically(">", 0), "the chart SVG loaded and rendered")
		Expect(text(browser, "#predictions")).To(ContainSubstring("2026"))
		screenshot(browser, shots, "detail.png")

		By("a failover caused through the fake server shows up without a reload")
		Expect(chromedp.Do(browser, chromedp.Navigate(dashboardURL), chromedp.WaitVisible(usa))).To(Succeed())
		_, err = chromedp.Run(browser, chromedp.Evaluate[bool](`window.sameDocument = true`))
		Expect(err).NotTo(HaveOccurred())
		breakProvider(ctx, fakeURL, "openai")
		for _, fc := range []string{"usa-port-throughput", "deu-peak-load", "sgp-air-cargo"} {
			out, err = run(ctx, kubeconfig, "patch", "fc", fc, "--type", "merge", "-p", `{"spec":{"horizon":5}}`)
			Expect(err).NotTo(HaveOccurred(), out)
		}
		_, err = chromedp.Run(browser, chromedp.Poll[bool](
			`document.getElementById("active-provider").textContent.trim() === "gemini"`, chromedp.WithPollingTimeout(45*time.Second)))
		Expect(err).NotTo(HaveOccurred(), "the lock panel never showed gemini")
		Expect(text(browser, "#lock-epoch")).To(Equal("2"))
		sameDocument, err := chromedp.Run(browser, chromedp.Evaluate[bool](`window.sameDocument === true`))
		Expect(err).NotTo(HaveOccurred())
		Expect(sameDocument).To(BeTrue(), "the page updated itself: no reload")
		screenshot(browser, shots, "after-failover.png")
		AddReportEntry("dashboard screenshots", shots)

		Expect(local.stop(syscall.SIGINT, 30*time.Second)).To(Succeed(), local.output.String())
	})
})

// screenshotDir is the test's output folder: test/e2e/output, kept after
// the run (and ignored by git).
func screenshotDir() string {
	GinkgoHelper()
	dir := filepath.Join(root, "test", "e2e", "output")
	Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
	return dir
}

// screenshot saves the whole page as a PNG.
func screenshot(browser context.Context, dir, name string) {
	GinkgoHelper()
	png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(dir, name), png, 0o644)).To(Succeed())
}

// text is the visible text of the first element the CSS selector matches.
func text[S ~string](browser context.Context, sel S) string {
	GinkgoHelper()
	t, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS(sel)))
	Expect(err).NotTo(HaveOccurred(), "reading %s", sel)
	return strings.TrimSpace(t)
}

// newBrowser starts headless Chromium for the rest of the spec.
func newBrowser(ctx context.Context, path string) context.Context {
	GinkgoHelper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(GinkgoT().TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	DeferCleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// The first run starts the browser, which lives as long as the context
	// of that run: only the actions after it get a deadline.
	Expect(chromedp.Do(browser)).To(Succeed(), "starting %s", path)
	timeout, cancel := context.WithTimeout(browser, 3*time.Minute)
	DeferCleanup(cancel)
	return timeout
}

// printed returns what pattern's group matched in a process's output.
func printed(p *process, pattern string) string {
	GinkgoHelper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(p.output.String())
	Expect(m).To(HaveLen(2), p.output.String())
	return m[1]
}

// breakProvider makes the fake server answer 503 for a provider.
func breakProvider(ctx context.Context, fakeURL, provider string) {
	GinkgoHelper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, fakeURL+"/admin/providers/"+provider+"/mode",
		strings.NewReader(`{"mode":"overloaded"}`))
	Expect(err).NotTo(HaveOccurred())
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.Body.Close()).To(Succeed())
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
}
