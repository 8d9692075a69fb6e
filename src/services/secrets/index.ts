export {
  type MasterKey,
  type MasterKeySource,
  MASTER_KEY_FILE,
  encodeMasterKey,
  generateMasterKey,
  loadOrCreateMasterKey,
  masterKeyFrom,
  parseMasterKey,
  readMasterKeyFile,
  replaceMasterKeyFile,
  writeMasterKeyFileAtomically,
} from './master-key';
export {
  type Keyring,
  type KeyringSource,
  PREVIOUS_MASTER_KEY_FILE,
  beginFileRotation,
  createSecretBox,
  finishFileRotation,
  loadKeyring,
} from './keyring';
export { SecretBox, keyIdOf } from './secret-box';
export {
  generateApiSecret,
  generateRequestorGuid,
  hashSecret,
  needsRehash,
  normaliseRequestorGuid,
  requestorHint,
  requestorLookupKey,
  verifySecret,
} from './secret-hash';
export { SEALED_COLUMNS, rotateMasterKey, type RotationResult } from './rotation';
export { FielVault, type FielToStore, type StoredFiel } from './fiel-vault';
export { VerifiedSecretCache } from './verified-secret-cache';
export { OpenedSecretCache } from './opened-secret-cache';
export { HashingGate, type HashingGateOptions, hashingWidth } from './hashing-gate';
