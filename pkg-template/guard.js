// Every call into a wasm module goes through its guard's `call`: it answers or throws an
// IdvError. Anything else thrown out of the wasm is a fault inside it (a trap, or the host
// failing under it): the module then gets a fresh instance, so the next call works, and the
// caller gets an IdvError "internal_error" with the fault as its `cause`.

/** The guard of one wasm-bindgen module (`glue`) and the IdvError class its code throws. */
export function guardOf(glue, IdvError) {
  // How many fresh instances the module has had: what lived in the old one's memory (the
  // server half's configuration) must be made again.
  let instances = 0;
  function fault(e) {
    if (e instanceof IdvError) return e;
    instances++;
    try {
      glue.__wbg_reset_state();
    } catch {
      // Not even a fresh instance could be made (the host is out of memory): the next call
      // tries again.
    }
    return new IdvError("internal_error", "idv-handoff failed inside its WebAssembly module and has recovered", {
      cause: e,
    });
  }
  function call(fn, ...args) {
    try {
      return fn(...args);
    } catch (e) {
      throw fault(e);
    }
  }
  return { call, instance: () => instances };
}
