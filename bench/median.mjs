// The statistic every part of `make bench` reports: robust to the outliers of a shared machine.
// Plain ESM, loaded by Node and by the Chromium bench page alike.
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
