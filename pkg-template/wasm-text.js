// The bytes of a wasm inlined as text by scripts/inline-wasm.mjs: one character per byte.
export function bytesOf(text) {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
