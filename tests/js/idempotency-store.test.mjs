// The Durable Object store's own logic in Node, over an in-memory stand-in for the object's
// storage (get, put, delete, list, alarms) and namespace: keys spread over the shards, one claim
// per key, the answer replayed, another body a conflict, and the hourly sweep deleting expired
// records only. (In real workerd it is exercised under load by server.test.mjs and
// proxy-faults.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { durableObjectStore, IdvIdempotencyStore } from "idv-handoff/server";

/** A Durable Object storage in memory, with the calls the store makes. */
function memoryStorage() {
  const data = new Map();
  let alarm = null;
  return {
    data,
    get alarm() {
      return alarm;
    },
    async get(key) {
      return structuredClone(data.get(key));
    },
    async put(key, value) {
      data.set(key, structuredClone(value));
    },
    async delete(keys) {
      assert.ok(!Array.isArray(keys) || keys.length <= 128, "at most 128 keys a delete");
      for (const key of [keys].flat()) data.delete(key);
    },
    async list({ limit, startAfter } = {}) {
      const keys = [...data.keys()].sort().filter((k) => startAfter === undefined || k > startAfter).slice(0, limit);
      return new Map(keys.map((k) => [k, structuredClone(data.get(k))]));
    },
    async getAlarm() {
      return alarm;
    },
    async setAlarm(at) {
      alarm = at;
    },
  };
}

/** A namespace whose objects are IdvIdempotencyStore instances, one per name. */
function namespace() {
  const objects = new Map();
  return {
    objects,
    idFromName: (name) => name,
    get(id) {
      if (!objects.has(id)) objects.set(id, new IdvIdempotencyStore({ storage: memoryStorage() }));
      const object = objects.get(id);
      return { fetch: (url, init) => object.fetch(new Request(url, init)) };
    },
  };
}

const ANSWER = { status: 200, headers: {}, body: '{"idv_id":"s1"}' };

test("a key is claimed once, its answer replayed, another body a conflict; keys spread over the shards", async () => {
  const ns = namespace();
  const store = durableObjectStore(ns, { shards: 8 });
  assert.equal(await store.begin("k1", "f1", 60), null);
  // While k1 is in flight, the same key waits for its answer.
  const waiting = store.begin("k1", "f1", 60);
  let settled = false;
  waiting.then(() => (settled = true));
  await new Promise((ok) => setTimeout(ok, 20));
  assert.equal(settled, false, "waits while the first request is in flight");
  await store.finish("k1", ANSWER);
  assert.deepEqual(await waiting, { response: ANSWER });
  assert.deepEqual(await store.begin("k1", "f2", 60), { conflict: true });
  // A failure releases the key: the next request claims it.
  assert.equal(await store.begin("k2", "f1", 60), null);
  await store.finish("k2", null);
  assert.equal(await store.begin("k2", "f1", 60), null);
  // 200 keys land on more than one shard, never outside the 8.
  for (let i = 0; i < 200; i++) await store.begin(`key-${i}`, "f", 60);
  assert.ok(ns.objects.size > 4 && ns.objects.size <= 8, `${ns.objects.size} shards used`);
  assert.throws(() => durableObjectStore(ns, { shards: 0 }), (e) => e.code === "invalid_option" && e.field === "shards");
});

test("the sweep deletes expired records only, and comes back while any is left", async () => {
  const storage = memoryStorage();
  const object = new IdvIdempotencyStore({ storage });
  const call = (body) => object.fetch(new Request("https://idv-idempotency/", { method: "POST", body: JSON.stringify(body) })).then((r) => r.json());
  for (let i = 0; i < 300; i++) {
    await call({ op: "begin", key: `k${i}`, fingerprint: "f", ttlSeconds: i < 200 ? 0.001 : 3600 });
    await call({ op: "finish", key: `k${i}`, response: ANSWER });
  }
  assert.equal(storage.data.size, 300);
  assert.ok(storage.alarm > Date.now(), "an alarm is set once records exist");
  await new Promise((ok) => setTimeout(ok, 10));
  await object.alarm();
  assert.equal(storage.data.size, 100, "the 200 expired records are gone, the 100 fresh ones kept");
  assert.ok([...storage.data.keys()].every((k) => Number(k.slice(1)) >= 200));
  assert.ok(storage.alarm > Date.now(), "it comes back for the rest");
  // An expired record is not replayed even before the sweep.
  await call({ op: "begin", key: "old", fingerprint: "f", ttlSeconds: 0.001 });
  await call({ op: "finish", key: "old", response: ANSWER });
  await new Promise((ok) => setTimeout(ok, 10));
  assert.deepEqual(await call({ op: "begin", key: "old", fingerprint: "other", ttlSeconds: 60 }), { result: null });
});
