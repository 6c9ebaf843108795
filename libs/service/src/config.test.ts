import { z } from 'zod';
import { ConfigError, env, parseEnv } from './config';

const schema = z.object({ GRPC_PORT: env.port(50061), ENABLED: env.bool(false), NAME: env.string('x'), OWNER: env.address() });

describe('parseEnv', () => {
  it('applies defaults and coerces strings', () => {
    const cfg = parseEnv(schema, { GRPC_PORT: '7000', ENABLED: 'yes', OWNER: '0x' + 'ab'.repeat(20) });
    expect(cfg).toEqual({ GRPC_PORT: 7000, ENABLED: true, NAME: 'x', OWNER: '0x' + 'ab'.repeat(20) });
  });

  it('names every bad variable and the value it got', () => {
    let err: unknown;
    try {
      parseEnv(schema, { GRPC_PORT: 'abc', OWNER: '0x12' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^GRPC_PORT: .*\(got "abc"\)$/);
    expect(issues[1]).toMatch(/^OWNER: expected a 0x-prefixed 20-byte hex address/);
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnv(schema, { GRPC_PORT: '', OWNER: '0x' + '00'.repeat(20) }).GRPC_PORT).toBe(50061);
  });
});
