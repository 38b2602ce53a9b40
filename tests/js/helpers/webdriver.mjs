// A small W3C WebDriver client over HTTP (fetch), for the browsers whose drivers are installed
// here: Chromium (chromedriver), Firefox ESR (geckodriver) and WebKitGTK (WebKitWebDriver, under
// xvfb-run: it needs an X display). `startBrowser(name)` starts the driver on a free loopback
// port in a process group of its own, opens a session and returns a handle whose `close()`
// deletes the session, kills the whole group (driver, browser, Xvfb) and removes the temporary
// profile. Every request is bounded in time, so a browser stuck in a page cannot hang a test.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.mjs";
import { CHROMIUM_ARGS } from "./chromium.mjs";

const CHROMIUM_FLAGS = ["--headless", ...CHROMIUM_ARGS];

/** Firefox preferences that keep it off the (closed) network on its own. */
const FIREFOX_PREFS = {
  "app.update.disabledForTesting": true,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "browser.safebrowsing.downloads.enabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "toolkit.telemetry.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "extensions.update.enabled": false,
  "browser.newtabpage.enabled": false,
  "browser.startup.page": 0,
};

function geckodriver() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const cargo = join(homedir(), ".cargo/bin/geckodriver");
  return existsSync(cargo) ? cargo : "geckodriver";
}

/** How each browser's driver starts, and the capabilities of its session. */
export const BROWSERS = {
  chromium: {
    label: "Chromium (chromedriver)",
    command: (port) => [process.env.CHROMEDRIVER ?? "/usr/bin/chromedriver", [`--port=${port}`]],
    capabilities: (profile) => ({
      browserName: "chrome",
      "goog:chromeOptions": {
        binary: process.env.CHROMIUM ?? "/usr/bin/chromium",
        args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`],
      },
    }),
  },
  firefox: {
    label: "Firefox ESR (geckodriver)",
    command: (port) => [geckodriver(), ["--port", String(port), "--host", "127.0.0.1"]],
    capabilities: () => ({
      browserName: "firefox",
      "moz:firefoxOptions": {
        binary: process.env.FIREFOX ?? "/usr/bin/firefox-esr",
        args: ["-headless"],
        prefs: FIREFOX_PREFS,
      },
    }),
  },
  webkit: {
    label: "WebKitGTK (WebKitWebDriver under xvfb-run)",
    // WebKitWebDriver starts MiniBrowser in automation mode; it needs an X display.
    command: (port) => ["xvfb-run", ["-a", process.env.WEBKITWEBDRIVER ?? "/usr/bin/WebKitWebDriver", `--port=${port}`]],
    capabilities: () => ({}),
  },
};

/** Keeps the last `max` characters a stream printed, for failure messages. */
function tail(stream, max = 4000) {
  let text = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk) => {
    text = (text + chunk).slice(-max);
  });
  return () => text.trim();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Process groups of drivers still running: killed if the test process exits before close().
const running = new Set();
process.on("exit", () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** One WebDriver command: its `value`, or an Error naming the command and the driver's answer. */
async function command(base, method, path, body, timeoutMs) {
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const why = e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : `${e.message}${e.cause ? ` (${e.cause.message ?? e.cause})` : ""}`;
    throw new Error(`WebDriver ${method} ${path}: ${why}`);
  }
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`WebDriver ${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 500)}`);
  }
  // An error is a non-2xx answer (W3C); a 2xx value is the page's own, whatever its fields.
  if (!response.ok) {
    throw new Error(`WebDriver ${method} ${path}: HTTP ${response.status} ${json?.value?.error ?? ""}: ${json?.value?.message ?? text.slice(0, 500)}`);
  }
  return json.value;
}

/**
 * Starts `name` (a key of BROWSERS) and opens a session. Resolves to
 * { label, navigate(url), execute(script, args), url(), click(selector), windows(), window(),
 * switchTo(handle), cookies(), session(method, path, body), close(), output() }; `capabilities`
 * are added to the browser's own (e.g. { acceptInsecureCerts: true }). On any failure the driver
 * is killed before the error is thrown; the error carries the driver's last output.
 */
export async function startBrowser(name, { startupMs = 30_000, sessionMs = 60_000, capabilities = {} } = {}) {
  const spec = BROWSERS[name];
  if (!spec) throw new Error(`unknown browser ${name}`);
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), `idv-wd-${name}-`));
  const [cmd, args] = spec.command(port);
  const child = spawn(cmd, args, {
    detached: true, // its own process group: close() kills the driver and all it started
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TMPDIR: profile },
  });
  if (child.pid) running.add(child.pid);
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  let exited = null;
  let spawnError = null;
  child.on("error", (e) => (spawnError = e));
  child.on("exit", (code, signal) => (exited = { code, signal }));
  const output = () => [stdout(), stderr()].filter(Boolean).join("\n") || "(no output)";
  const base = `http://127.0.0.1:${port}`;
  let sessionId = null;
  let closed = false;

  const kill = async () => {
    if (child.pid) {
      if (exited === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
        for (let i = 0; i < 30 && exited === null; i++) await sleep(100);
      }
      try {
        process.kill(-child.pid, "SIGKILL"); // whatever of the group is left (browser, Xvfb)
      } catch {
        // all gone
      }
      running.delete(child.pid);
    }
    rmSync(profile, { recursive: true, force: true });
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    if (sessionId !== null) {
      await command(base, "DELETE", `/session/${sessionId}`, undefined, 10_000).catch(() => {});
    }
    await kill();
  };

  try {
    // The driver is up when /status answers.
    const startBy = Date.now() + startupMs;
    for (;;) {
      if (spawnError) throw new Error(`${spec.label}: could not start ${cmd}: ${spawnError.message}`);
      if (exited) throw new Error(`${spec.label}: ${cmd} exited (${exited.code ?? exited.signal}) before answering`);
      try {
        await command(base, "GET", "/status", undefined, 1000);
        break;
      } catch {
        if (Date.now() > startBy) throw new Error(`${spec.label}: ${cmd} did not answer /status within ${startupMs} ms`);
        await sleep(100);
      }
    }
    const created = await command(base, "POST", "/session", { capabilities: { alwaysMatch: { ...spec.capabilities(profile), ...capabilities } } }, sessionMs);
    sessionId = created.sessionId;
    if (!sessionId) throw new Error(`${spec.label}: POST /session answered no sessionId: ${JSON.stringify(created)}`);
    const browser = `${created.capabilities?.browserName ?? "?"} ${created.capabilities?.browserVersion ?? "?"}`;
    await command(base, "POST", `/session/${sessionId}/timeouts`, { script: 10_000, pageLoad: 30_000 }, 10_000);
    const session = (method, path, body, timeoutMs = 15_000) => command(base, method, `/session/${sessionId}${path}`, body, timeoutMs);
    const find = async (selector) => {
      const found = await session("POST", "/element", { using: "css selector", value: selector });
      return Object.values(found)[0]; // the element reference, under its W3C key
    };
    return {
      label: spec.label,
      browser,
      navigate: (url) => command(base, "POST", `/session/${sessionId}/url`, { url }, 40_000),
      execute: (script, args = [], timeoutMs = 15_000) =>
        command(base, "POST", `/session/${sessionId}/execute/sync`, { script, args }, timeoutMs),
      /** Any command of this session: `path` after /session/{id}. */
      session,
      /** The address of the current browsing context. */
      url: () => session("GET", "/url"),
      /** A WebDriver Element Click (a trusted click: a user activation, unlike a script's click()). */
      click: async (selector) => session("POST", `/element/${await find(selector)}/click`, {}, 40_000),
      /** The handles of every window (tab) of the session, and switching between them. */
      windows: () => session("GET", "/window/handles"),
      window: () => session("GET", "/window"),
      switchTo: (handle) => session("POST", "/window", { handle }),
      cookies: () => session("GET", "/cookie"),
      close,
      output,
    };
  } catch (e) {
    await close();
    e.message += `\n--- ${spec.label} output ---\n${output()}`;
    throw e;
  }
}
