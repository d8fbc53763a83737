"""The bot's own end-to-end crypto on top of nio: canonical JSON, signatures, cross-signing, secrets.

nio 0.26 does Olm/Megolm but neither cross-signing nor secret storage; what Element needs to trust the bot
lives here, built on ``cryptography`` (Ed25519, AES-CTR, HMAC, HKDF) and plain client-server requests.
"""
