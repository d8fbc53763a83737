// Element's side of the secret-storage cross-check: matrix-js-sdk's own recovery-key and
// m.secret_storage.v1.aes-hmac-sha2 code, run on what the bot wrote (and the other way round).
// stdin: {"recovery_key", "key_description", "secrets": {name: {iv, ciphertext, mac}}, "plain": {name: text}}
// stdout: what the SDK made of it, as JSON.
import { decodeRecoveryKey, encodeRecoveryKey } from "matrix-js-sdk/lib/crypto-api/recovery-key.js";
import { calculateKeyCheck } from "matrix-js-sdk/lib/secret-storage.js";
import decryptAESSecretStorageItem from "matrix-js-sdk/lib/utils/decryptAESSecretStorageItem.js";
import encryptAESSecretStorageItem from "matrix-js-sdk/lib/utils/encryptAESSecretStorageItem.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const key = decodeRecoveryKey(input.recovery_key);
const check = await calculateKeyCheck(key, input.key_description.iv);
const strip = (s) => s.replace(/=+$/, "");
const decrypted = {};
for (const [name, payload] of Object.entries(input.secrets)) {
    decrypted[name] = await decryptAESSecretStorageItem(payload, key, name);
}
const encrypted = {};
for (const [name, text] of Object.entries(input.plain)) {
    encrypted[name] = await encryptAESSecretStorageItem(text, key, name);
}
process.stdout.write(
    JSON.stringify({
        key_hex: Buffer.from(key).toString("hex"),
        reencoded: encodeRecoveryKey(key),
        key_check_matches: strip(check.mac) === strip(input.key_description.mac),
        decrypted,
        encrypted,
    }),
);
