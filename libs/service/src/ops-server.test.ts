import { createRegistry } from './metrics';
import { startOpsServer } from './ops-server';
import { Counter } from 'prom-client';

describe('ops server', () => {
  it('serves /health, /ready and /metrics', async () => {
    const registry = createRegistry('test-svc');
    new Counter({ name: 'test_things_total', help: 'things', registers: [registry] }).inc(3);
    let ready = false;
    const ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry, readiness: [{ name: 'db', check: () => ready }] });
    try {
      const base = `http://127.0.0.1:${ops.port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const notReady = await fetch(`${base}/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ ready: false, failing: ['db'] });
      ready = true;
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('test_things_total{service="test-svc"} 3');
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await ops.close();
    }
  });
});
