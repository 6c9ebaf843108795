import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@zkseq/service';
import { configSchema, loadPrivateKey, managerOptions } from './config';

const key = `0x${'4c'.repeat(32)}`;

describe('config', () => {
  it('has the documented defaults', () => {
    const o = managerOptions(parseEnv(configSchema, {}));
    expect(o).toMatchObject({ confirmations: 6, resendAfterMs: 48_000, feeBumpPct: 10, maxFeeMultiplier: 5, gasMarginPct: 20, maxInFlight: 16, crashAt: undefined });
  });

  it('refuses a fee bump below 10 % and an unknown crash point', () => {
    expect(() => parseEnv(configSchema, { ETHTXMAN_FEE_BUMP_PCT: '5' })).toThrow('ETHTXMAN_FEE_BUMP_PCT');
    expect(() => parseEnv(configSchema, { ETHTXMAN_CRASH_AT: 'later' })).toThrow('ETHTXMAN_CRASH_AT');
  });

  it('reads the key from the variable or from a secret file, and names neither the key nor its bytes in errors', () => {
    expect(loadPrivateKey(parseEnv(configSchema, { ETHTXMAN_PRIVATE_KEY: key.slice(2) }))).toBe(key);
    const dir = mkdtempSync(join(tmpdir(), 'ethtxman-'));
    try {
      writeFileSync(join(dir, 'key'), `${key}\n`);
      expect(loadPrivateKey(parseEnv(configSchema, { ETHTXMAN_PRIVATE_KEY_FILE: join(dir, 'key') }))).toBe(key);
      writeFileSync(join(dir, 'bad'), 'not-a-key-0123');
      expect(() => loadPrivateKey(parseEnv(configSchema, { ETHTXMAN_PRIVATE_KEY_FILE: join(dir, 'bad') }))).toThrow(/^the L1 private key is not 32 bytes of hex$/);
      expect(() => loadPrivateKey(parseEnv(configSchema, { ETHTXMAN_PRIVATE_KEY_FILE: join(dir, 'missing') }))).toThrow('ENOENT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => loadPrivateKey(parseEnv(configSchema, {}))).toThrow('ETHTXMAN_PRIVATE_KEY or ETHTXMAN_PRIVATE_KEY_FILE must be set');
  });
});
