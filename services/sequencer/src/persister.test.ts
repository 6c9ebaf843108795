import { poolNoncesToRaise } from './persister';

describe('poolNoncesToRaise', () => {
  it('raises each sender once, past its highest included tx the pool did not have as pending', () => {
    const items = [
      { from: '0xa', nonce: 3 },
      { from: '0xa', nonce: 4 },
      { from: '0xb', nonce: 0 },
      { from: '0xc', nonce: 7 },
      { from: '0xa', nonce: 5 },
      { from: '0xd', nonce: 1 },
    ];
    // 0xa: 3 unknown (forced), 4 replaced, 5 moved normally; 0xb selected before; 0xc moved; 0xd failed meanwhile.
    const statuses = ['unknown', 'failed', 'selected', null, null, 'failed'];
    expect([...poolNoncesToRaise(items, statuses)]).toEqual([['0xa', 5], ['0xd', 2]]);
    expect(poolNoncesToRaise(items, items.map(() => null)).size).toBe(0);
  });
});
