// The demo app's "Start verification" opens the hosted page in a new tab (openHandoffWindow):
// the tests follow that tab, recording its errors as openPage does.

/**
 * Clicks `button` on `page` and resolves to the new tab once it is at a URL starting with
 * `hostedPrefix`. Uncaught errors and console errors of the tab go to `errors`.
 */
export async function startInNewTab(page, hostedPrefix, { errors = [], button = "#submit", timeout = 15_000 } = {}) {
  const opened = page.waitForEvent("popup", { timeout });
  await page.click(button);
  const tab = await opened;
  tab.on("pageerror", (e) => errors.push(String(e)));
  tab.on("console", (m) => {
    if (m.type() === "error") errors.push(`${m.text()} (${m.location().url})`);
  });
  await tab.waitForURL(`${hostedPrefix}**`, { timeout });
  return tab;
}
