// decrypt.js: decrypts Telegram Passport data with @merqva/telegram-passport, an
// implementation independent of paspor, for paspor's tests to compare against.
//
// usage: node decrypt.js PASSPORT_DATA.json BOT_PRIVATE_KEY.pem FILES_DIR
//
// Prints one JSON object: {"nonce": ..., "elements": {TYPE: {"data": {...},
// "files": {ROLE: {"size": N, "sha256": HEX}}} | {"value": "..."} for phone_number and email}}.
// Files are looked up in FILES_DIR by file_unique_id (else file_id); ROLE is front_side,
// reverse_side, selfie, file/N or translation/N (N from 1), as paspor names them.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { TelegramPassport } = require('@merqva/telegram-passport');

const [pdPath, keyPath, filesDir] = process.argv.slice(2);
if (!pdPath || !keyPath || !filesDir) {
  process.stderr.write('usage: node decrypt.js PASSPORT_DATA.json BOT_PRIVATE_KEY.pem FILES_DIR\n');
  process.exit(2);
}
const passportData = JSON.parse(fs.readFileSync(pdPath, 'utf8'));
const tp = new TelegramPassport(fs.readFileSync(keyPath));
const fields = tp.decryptPassportData(passportData);

const out = { nonce: fields.nonce, elements: {} };
const file = (f) => {
  const name = f.file_unique_id || f.file_id;
  const plain = tp.decryptData(fs.readFileSync(path.join(filesDir, name)), f.secret, f.file_hash);
  return { size: plain.length, sha256: crypto.createHash('sha256').update(plain).digest('hex') };
};
for (const [type, value] of Object.entries(fields)) {
  if (type === 'nonce') continue;
  if (typeof value === 'string') {
    out.elements[type] = { value };
    continue;
  }
  const el = { data: value.data || null, files: {} };
  for (const role of ['front_side', 'reverse_side', 'selfie']) {
    if (value[role]) el.files[role] = file(value[role]);
  }
  for (const [key, role] of [['files', 'file'], ['translation', 'translation']]) {
    (value[key] || []).forEach((f, i) => { el.files[`${role}/${i + 1}`] = file(f); });
  }
  out.elements[type] = el;
}
process.stdout.write(JSON.stringify(out) + '\n');
