// A Matrix user as Element Web is one: matrix-js-sdk with its Rust crypto (matrix-sdk-crypto-wasm).
//
// Driven by tests/support/element.py over JSON lines: one request per stdin line
// {"id": 1, "cmd": "login", ...}, one answer per stdout line {"id": 1, "ok": true, "result": ...} or
// {"id": 1, "ok": false, "error": "..."}. Everything the SDK logs goes to stderr, so stdout stays clean.
// One process is one user with one device; crypto state lives in memory (no IndexedDB under node).
import { createInterface } from "node:readline";
import { webcrypto } from "node:crypto";

// The SDK logs through console.*; keep stdout for the protocol.
for (const name of ["log", "info", "debug", "warn", "trace"]) console[name] = console.error;

// matrix-js-sdk 43 targets node 22; node 20 (on the CI machines) lacks only Promise.withResolvers, which
// the sync loop uses. The standard's own definition, nothing more.
if (!Promise.withResolvers) {
    Promise.withResolvers = function withResolvers() {
        let resolve, reject;
        const promise = new this((res, rej) => {
            resolve = res;
            reject = rej;
        });
        return { promise, resolve, reject };
    };
}

const sdk = await import("matrix-js-sdk");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
const { OnlySignedDevicesIsolationMode, AllDevicesIsolationMode, EventShieldColour, EventShieldReason } =
    await import("matrix-js-sdk/lib/crypto-api/index.js");
const { PollResponseEvent } = await import("matrix-js-sdk/lib/extensible_events_v1/PollResponseEvent.js");
logger.setLevel(process.env.ELEMENT_DRIVER_LOG || "warn", false);
for (const child of Object.values(logger.getLoggers?.() ?? {})) child.setLevel?.(process.env.ELEMENT_DRIVER_LOG || "warn", false);

let client = null;
let password = null;
let seq = 0;
const events = []; // every timeline event seen, in arrival order: {seq, event}
const waiters = new Set();

function wake() {
    for (const w of waiters) w();
}

function describe(entry) {
    const ev = entry.event;
    const failed = ev.isDecryptionFailure();
    return {
        seq: entry.seq,
        event_id: ev.getId(),
        room_id: ev.getRoomId(),
        sender: ev.getSender(),
        type: ev.getType(),
        content: ev.getContent(),
        encrypted: ev.isEncrypted(),
        state: ev.isState(),
        decryption_failure: failed ? String(ev.decryptionFailureReason) : null,
    };
}

async function shield(ev) {
    const info = await client.getCrypto().getEncryptionInfoForEvent(ev);
    if (info === null) return null;
    return {
        colour: EventShieldColour[info.shieldColour],
        reason: info.shieldReason === null ? null : EventShieldReason[info.shieldReason],
    };
}

/** Wait until `check()` returns something truthy (re-checked on every new or decrypted event). */
function until(check, timeoutMs, what) {
    return new Promise((resolve, reject) => {
        let timer = null;
        const attempt = () => {
            let found;
            try {
                found = check();
            } catch (err) {
                finish();
                reject(err);
                return;
            }
            if (found) {
                finish();
                resolve(found);
            }
        };
        // Re-checked on every event, and every 200 ms for state the SDK updates without one.
        const poll = setInterval(attempt, 200);
        const finish = () => {
            waiters.delete(attempt);
            clearTimeout(timer);
            clearInterval(poll);
        };
        timer = setTimeout(() => {
            finish();
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        waiters.add(attempt);
        attempt();
    });
}

function settled(ev) {
    // An encrypted event is settled once decrypted or once the SDK gave up on it for now.
    return !ev.isBeingDecrypted() && !ev.shouldAttemptDecryption();
}

function matches(ev, q) {
    if (q.room_id && ev.getRoomId() !== q.room_id) return false;
    if (q.sender && ev.getSender() !== q.sender) return false;
    if (ev.isState()) return false; // membership and room state are not what a test waits for
    if (!settled(ev)) return false;
    if (ev.isDecryptionFailure()) return q.include_failures !== false;
    if (q.type && ev.getType() !== q.type) return false;
    const body = String(ev.getContent().body ?? "");
    if (q.body_contains && !body.includes(q.body_contains)) return false;
    if (q.body_startswith && !body.startsWith(q.body_startswith)) return false;
    if (q.msgtype && ev.getContent().msgtype !== q.msgtype) return false;
    if (q.reply_to) {
        const rel = ev.getContent()["m.relates_to"] ?? {};
        if ((rel["m.in_reply_to"] ?? {}).event_id !== q.reply_to) return false;
    }
    return true;
}

async function decryptAttachment(file) {
    // Matrix encrypted attachments: AES-256-CTR with a 64-bit counter; SHA-256 of the ciphertext.
    const mxc = file.url.slice("mxc://".length);
    const url = `${client.baseUrl}/_matrix/client/v1/media/download/${mxc}`;
    const resp = await fetch(url, { headers: { Authorization: `Bearer ${client.getAccessToken()}` } });
    if (!resp.ok) throw new Error(`download ${file.url}: HTTP ${resp.status}`);
    const cipher = new Uint8Array(await resp.arrayBuffer());
    const digest = Buffer.from(await webcrypto.subtle.digest("SHA-256", cipher)).toString("base64");
    if (digest.replace(/=+$/, "") !== file.hashes.sha256.replace(/=+$/, "")) {
        throw new Error("attachment hash mismatch");
    }
    const key = await webcrypto.subtle.importKey("jwk", file.key, { name: "AES-CTR" }, false, ["decrypt"]);
    const counter = Buffer.from(file.iv, "base64");
    const plain = await webcrypto.subtle.decrypt({ name: "AES-CTR", counter, length: 64 }, key, cipher);
    return Buffer.from(plain).toString("base64");
}

const commands = {
    async login({ homeserver, user_id, password: pw }) {
        password = pw;
        const tmp = sdk.createClient({ baseUrl: homeserver });
        const login = await tmp.loginRequest({
            type: "m.login.password",
            identifier: { type: "m.id.user", user: user_id },
            password: pw,
            initial_device_display_name: "Element harness",
        });
        client = sdk.createClient({
            baseUrl: homeserver,
            userId: login.user_id,
            deviceId: login.device_id,
            accessToken: login.access_token,
        });
        await client.initRustCrypto({ useIndexedDB: false });
        client.on(sdk.RoomEvent.Timeline, (ev) => {
            events.push({ seq: ++seq, event: ev });
            wake();
        });
        client.on(sdk.MatrixEventEvent.Decrypted, wake);
        client.on(sdk.ClientEvent.Room, wake);
        client.on(sdk.RoomMemberEvent.Membership, (_ev, member) => {
            wake();
            if (member.userId === client.getUserId() && member.membership === "invite") {
                client.joinRoom(member.roomId).catch((err) => console.error("join failed", err));
            }
        });
        const prepared = new Promise((resolve) =>
            client.on(sdk.ClientEvent.Sync, (state, _prev, data) => {
                console.error("sync state", state, data?.error ?? "");
                if (state === "PREPARED" || state === "SYNCING") resolve(state);
            }),
        );
        await client.startClient({ initialSyncLimit: 20, lazyLoadMembers: false });
        const state = await prepared;
        return { user_id: login.user_id, device_id: login.device_id, state };
    },

    async bootstrap_cross_signing() {
        // What Element does on first login: create master, self-signing and user-signing keys and sign
        // this device. First upload without auth (MSC3967); should the server insist, use the password.
        const crypto = client.getCrypto();
        await crypto.bootstrapCrossSigning({
            authUploadDeviceSigningKeys: async (makeRequest) => {
                try {
                    await makeRequest(null);
                } catch (err) {
                    if (err?.httpStatus !== 401) throw err;
                    await makeRequest({
                        type: "m.login.password",
                        identifier: { type: "m.id.user", user: client.getUserId() },
                        password,
                        session: err.data?.session,
                    });
                }
            },
        });
        // Check on the homeserver, as every other client will see it: the device carries a signature by
        // the self-signing key (the local view only learns it with the next key query).
        const uid = client.getUserId();
        const keys = await client.http.authedRequest("POST", "/keys/query", undefined, {
            device_keys: { [uid]: [] },
        });
        const ssk = Object.keys(keys.self_signing_keys?.[uid]?.keys ?? {})[0];
        const sigs = keys.device_keys?.[uid]?.[client.getDeviceId()]?.signatures?.[uid] ?? {};
        return { ready: await crypto.isCrossSigningReady(), device_signed_by_owner: Boolean(ssk && sigs[ssk]) };
    },

    async set_isolation({ mode }) {
        const isolation =
            mode === "only_signed"
                ? new OnlySignedDevicesIsolationMode()
                : new AllDevicesIsolationMode(false);
        client.getCrypto().setDeviceIsolationMode(isolation);
        return mode;
    },

    async create_room({ invite, name }) {
        // As Element Web creates a private encrypted room: current room version, encryption in the
        // initial state (so no message is ever sent in the clear).
        const { room_id } = await client.createRoom({
            name,
            preset: "private_chat",
            room_version: "12",
            invite,
            initial_state: [
                { type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } },
            ],
        });
        await until(() => client.getRoom(room_id), 30000, `room ${room_id} in sync`);
        return room_id;
    },

    async wait_member({ room_id, user_id, membership = "join", timeout_ms = 30000 }) {
        await until(
            () => client.getRoom(room_id)?.getMember(user_id)?.membership === membership,
            timeout_ms,
            `${user_id} ${membership} in ${room_id}`,
        );
        return true;
    },

    async mark() {
        return seq;
    },

    async send_text({ room_id, body }) {
        const { event_id } = await client.sendMessage(room_id, { msgtype: "m.text", body });
        return event_id;
    },

    async send_poll_response({ room_id, poll_event_id, answer_ids }) {
        // Element's own poll UI sends exactly this (the SDK's extensible-event PollResponseEvent).
        const response = PollResponseEvent.from(answer_ids, poll_event_id).serialize();
        const { event_id } = await client.sendEvent(room_id, response.type, response.content);
        return event_id;
    },

    async wait_event({ after = 0, timeout_ms = 30000, ...query }) {
        const entry = await until(
            () => events.find((e) => e.seq > after && matches(e.event, query)),
            timeout_ms,
            `an event like ${JSON.stringify(query)}`,
        );
        // A failure may be temporary (the key arrives a moment later); give it a short grace.
        if (entry.event.isDecryptionFailure() && query.include_failures !== false) {
            await until(() => !entry.event.isDecryptionFailure(), 3000, "late key").catch(() => null);
        }
        return { ...describe(entry), shield: entry.event.isEncrypted() ? await shield(entry.event) : null };
    },

    async events({ room_id, after = 0 }) {
        const out = [];
        for (const e of events) {
            if (e.seq > after && (!room_id || e.event.getRoomId() === room_id)) {
                out.push({ ...describe(e), shield: e.event.isEncrypted() ? await shield(e.event) : null });
            }
        }
        return out;
    },

    async download_attachment({ file }) {
        return decryptAttachment(file);
    },

    async stop() {
        client?.stopClient();
        setTimeout(() => process.exit(0), 10);
        return true;
    },
};

const rl = createInterface({ input: process.stdin });
rl.on("line", async (line) => {
    let req;
    try {
        req = JSON.parse(line);
    } catch {
        return;
    }
    const { id, cmd, ...args } = req;
    try {
        const handler = commands[cmd];
        if (!handler) throw new Error(`unknown command ${cmd}`);
        const result = await handler(args);
        process.stdout.write(JSON.stringify({ id, ok: true, result: result ?? null }) + "\n");
    } catch (err) {
        process.stdout.write(JSON.stringify({ id, ok: false, error: String(err?.stack ?? err) }) + "\n");
    }
});
rl.on("close", () => {
    client?.stopClient();
    process.exit(0);
});
