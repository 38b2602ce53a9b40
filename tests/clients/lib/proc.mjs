// Child processes for one stack: every child runs in its own process group and carries a tag in
// its environment, so that when the stack ends (or its time runs out) the runner ends exactly the
// processes it started, grandchildren included (a dev server that forks workers or daemonises).
import { spawn } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const MAX_OUTPUT = 2 * 1024 * 1024;

export class ExecError extends Error {
  constructor(message, output) {
    super(message);
    this.name = "ExecError";
    this.output = output;
  }
}

/** The last `n` non-empty lines of a process's output. */
export function tail(text, n = 40) {
  const lines = String(text).split("\n").filter((l) => l.trim() !== "");
  return lines.slice(-n).join("\n");
}

export class Procs {
  constructor({ tag, logDir, env }) {
    this.tag = tag;
    this.logDir = logDir;
    this.env = env;
    this.children = new Set();
    this.count = 0;
  }

  /**
   * Starts `cmd args`; returns { child, output(), exited, waitFor(re, ms), kill() }.
   * Output (stdout and stderr interleaved) is kept in memory and logged to logDir.
   */
  spawn(cmd, args = [], { cwd, env = {}, label } = {}) {
    if (this.closed) throw new Error(`not starting \`${cmd}\`: the stack has ended`);
    const n = ++this.count;
    const name = label ?? cmd.split("/").pop();
    const logPath = join(this.logDir, `${String(n).padStart(2, "0")}-${name.replace(/[^\w.-]+/g, "_")}.log`);
    const log = createWriteStream(logPath);
    log.write(`$ ${[cmd, ...args].join(" ")}\n# cwd ${cwd}\n`);
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...this.env, ...env, IDV_CLIENTS_TAG: this.tag },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.children.add(child);
    let output = "";
    const streams = { stdout: "", stderr: "" };
    const listeners = new Set();
    const onData = (stream) => (chunk) => {
      const s = chunk.toString();
      log.write(s);
      output += s;
      streams[stream] += s;
      if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT);
      if (streams[stream].length > MAX_OUTPUT) streams[stream] = streams[stream].slice(-MAX_OUTPUT);
      for (const l of listeners) l();
    };
    child.stdout.on("data", onData("stdout"));
    child.stderr.on("data", onData("stderr"));
    const exited = new Promise((resolve) => {
      child.on("error", (e) => {
        output += `\n[spawn error] ${e.message}\n`;
        resolve({ code: -1, signal: null });
      });
      child.on("close", (code, signal) => {
        this.children.delete(child);
        log.end(`\n# exit ${code ?? signal}\n`);
        resolve({ code, signal });
      });
    });
    let done = false;
    exited.then(() => {
      done = true;
      for (const l of listeners) l();
    });
    const proc = {
      child,
      logPath,
      command: [cmd, ...args].join(" "),
      output: () => output,
      stdout: () => streams.stdout,
      stderr: () => streams.stderr,
      exited,
      get done() {
        return done;
      },
      /** Resolves with the match once the output matches `re`; rejects on exit or timeout. */
      waitFor: (re, ms) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            listeners.delete(check);
            reject(new ExecError(`no ${re} in the output of \`${proc.command}\` after ${ms / 1000} s`, output));
          }, ms);
          const check = () => {
            const m = output.match(re);
            if (m || done) {
              clearTimeout(timer);
              listeners.delete(check);
              if (m) resolve(m);
              else reject(new ExecError(`\`${proc.command}\` exited before printing ${re}`, output));
            }
          };
          listeners.add(check);
          check();
        }),
      kill: () => killGroup(child),
    };
    return proc;
  }

  /** Runs to the end; throws ExecError (with the output) on a non-zero exit unless allowFail. */
  async exec(cmd, args = [], { timeout = 170_000, allowFail = false, ...opts } = {}) {
    const started = Date.now();
    const p = this.spawn(cmd, args, opts);
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeout);
    });
    const r = await Promise.race([p.exited, timedOut]);
    clearTimeout(timer);
    if (r === "timeout") {
      p.kill();
      throw new ExecError(`\`${p.command}\` did not finish in ${timeout / 1000} s`, p.output());
    }
    const result = { ...r, output: p.output(), stdout: p.stdout(), stderr: p.stderr(), seconds: (Date.now() - started) / 1000, logPath: p.logPath };
    if (r.code !== 0 && !allowFail) {
      throw new ExecError(`\`${p.command}\` exited with ${r.code ?? r.signal}`, p.output());
    }
    return result;
  }

  /** Ends every process this stack started: the process groups, then anything carrying the tag. */
  killAll() {
    this.closed = true;
    for (const child of this.children) killGroup(child);
    for (const pid of taggedPids(this.tag)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  }
}

function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {}
  }
}

/** Processes whose environment carries IDV_CLIENTS_TAG=tag (Linux /proc). */
function taggedPids(tag) {
  const needle = `IDV_CLIENTS_TAG=${tag}\0`;
  const pids = [];
  let entries = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return pids;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/environ`, "latin1").includes(needle)) pids.push(Number(e));
    } catch {}
  }
  return pids;
}
