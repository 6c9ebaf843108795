/**
 * Lua scripts: every multi-key transition of the StateDB is one atomic, conditional script, so a
 * writer that crashes mid-way leaves either the old or the new state, and a replayed write is
 * refused instead of applied twice.
 *
 * The sequencer's writes (open, append, close) also take a guard: the halt flag key, and the
 * writer's lease key and token. A write is refused while sequencing is halted, and, when a token
 * is given, unless the lease still holds that token: a sequencer that lost its lease (paused past
 * the expiry, a standby took over) cannot write a single record afterwards.
 */

/** Lua prelude: refuses the write (error reply) when halted or fenced off. */
const GUARD = `
local function guard(haltKey, leaseKey, token)
  if redis.call('EXISTS', haltKey) == 1 then return 'STATEDB_HALTED sequencing is halted' end
  if token ~= '' and redis.call('GET', leaseKey) ~= token then return 'STATEDB_FENCED lease ' .. leaseKey .. ' is not held by this writer' end
  return nil
end
`;

/** KEYS: head, batch, halt, lease. ARGV: number, batchFieldsJSON, token. Opens batch `number` = lastBatch + 1. */
export const OPEN_BATCH = `${GUARD}
local refused = guard(KEYS[3], KEYS[4], ARGV[3])
if refused then return redis.error_reply(refused) end
local last = tonumber(redis.call('HGET', KEYS[1], 'lastBatch') or '-1')
local n = tonumber(ARGV[1])
if n ~= last + 1 then return redis.error_reply('STATEDB_SEQUENCE batch ' .. n .. ' is not next (last ' .. last .. ')') end
if last >= 0 and tonumber(redis.call('HGET', KEYS[1], 'lastClosedBatch') or '-1') ~= last then
  return redis.error_reply('STATEDB_STATUS batch ' .. last .. ' is still open')
end
local fields = cjson.decode(ARGV[2])
for k, v in pairs(fields) do redis.call('HSET', KEYS[2], k, v) end
redis.call('HSET', KEYS[1], 'lastBatch', n)
return 'OK'
`;

/**
 * Appends consecutive L2 blocks to the open batch, all or none.
 * KEYS: head, batch, batchData, batchTxs, logBlocks, halt, lease, then per block: block, blockByHash,
 * tx, logAddress... ARGV: batchNumber, token, count, batchFieldsJSON (progress after the last
 * block), then per block: blockNumber, blockJSON, blockHash, txJSON, txHash, dataHex, logAddressCount.
 */
export const APPEND_BLOCKS = `${GUARD}
local refused = guard(KEYS[6], KEYS[7], ARGV[2])
if refused then return redis.error_reply(refused) end
local n = ARGV[1]
if redis.call('HGET', KEYS[2], 'status') ~= 'open' then
  return redis.error_reply('STATEDB_STATUS batch ' .. n .. ' is not open')
end
local lastBlock = tonumber(redis.call('HGET', KEYS[1], 'lastBlock') or '-1')
local count = tonumber(ARGV[3])
local a, k = 5, 8
for i = 1, count do
  local b = tonumber(ARGV[a])
  if b ~= lastBlock + i then return redis.error_reply('STATEDB_SEQUENCE block ' .. b .. ' is not next (last ' .. (lastBlock + i - 1) .. ')') end
  a = a + 7
end
local data, hashes = {}, {}
a = 5
for i = 1, count do
  local b = tonumber(ARGV[a])
  redis.call('SET', KEYS[k], ARGV[a + 1])
  redis.call('SET', KEYS[k + 1], b)
  redis.call('SET', KEYS[k + 2], ARGV[a + 3])
  data[i] = ARGV[a + 5]
  hashes[i] = ARGV[a + 4]
  local logs = tonumber(ARGV[a + 6])
  if logs > 0 then
    redis.call('ZADD', KEYS[5], b, b)
    for j = 1, logs do redis.call('ZADD', KEYS[k + 2 + j], b, b) end
  end
  k = k + 3 + logs
  a = a + 7
end
redis.call('APPEND', KEYS[3], table.concat(data))
redis.call('RPUSH', KEYS[4], unpack(hashes))
local fields = cjson.decode(ARGV[4])
for f, v in pairs(fields) do redis.call('HSET', KEYS[2], f, v) end
redis.call('HSET', KEYS[1], 'lastBlock', lastBlock + count)
return 'OK'
`;

/**
 * KEYS: head, batch, halt, lease, batchData. ARGV: number, batchFieldsJSON, token, dataHex|'' (replaces
 * the batch's L2 data when the batch holds entries without a block, e.g. a forced batch's invalid txs).
 */
export const CLOSE_BATCH = `${GUARD}
local refused = guard(KEYS[3], KEYS[4], ARGV[3])
if refused then return redis.error_reply(refused) end
local n = tonumber(ARGV[1])
if redis.call('HGET', KEYS[2], 'status') ~= 'open' then
  return redis.error_reply('STATEDB_STATUS batch ' .. n .. ' is not open')
end
local fields = cjson.decode(ARGV[2])
for k, v in pairs(fields) do redis.call('HSET', KEYS[2], k, v) end
if ARGV[4] ~= '' then redis.call('SET', KEYS[5], ARGV[4]) end
redis.call('HSET', KEYS[2], 'status', 'closed')
redis.call('HSET', KEYS[1], 'lastClosedBatch', n)
local forced = redis.call('HGET', KEYS[2], 'forcedBatchNum')
if forced and forced ~= 'null' then redis.call('HSET', KEYS[1], 'lastForcedBatch', forced) end
return 'OK'
`;

/** KEYS: head, batch. ARGV: number, l1Block, l1TxHash. Marks the next closed batch virtual. */
export const MARK_VIRTUAL = `
local n = tonumber(ARGV[1])
local lastVirtual = tonumber(redis.call('HGET', KEYS[1], 'lastVirtualBatch') or '0')
if n <= lastVirtual then return 'ALREADY' end
if n ~= lastVirtual + 1 then return redis.error_reply('STATEDB_SEQUENCE batch ' .. n .. ' is not the next virtual batch (last ' .. lastVirtual .. ')') end
if redis.call('HGET', KEYS[2], 'status') ~= 'closed' then
  return redis.error_reply('STATEDB_STATUS batch ' .. n .. ' is not closed')
end
redis.call('HSET', KEYS[2], 'status', 'virtual', 'virtualL1Block', ARGV[2], 'sendSequencesTxHash', ARGV[3])
redis.call('HSET', KEYS[1], 'lastVirtualBatch', n)
return 'OK'
`;

/** KEYS: head, batch... (batches above the kept one, ascending). ARGV: keptBatch. */
export const ROLLBACK_VIRTUAL = `
for i = 2, #KEYS do
  if redis.call('HGET', KEYS[i], 'status') == 'virtual' then
    redis.call('HSET', KEYS[i], 'status', 'closed', 'virtualL1Block', 'null', 'sendSequencesTxHash', 'null')
  end
end
local kept = tonumber(ARGV[1])
if tonumber(redis.call('HGET', KEYS[1], 'lastVirtualBatch') or '0') > kept then
  redis.call('HSET', KEYS[1], 'lastVirtualBatch', kept)
end
return 'OK'
`;

/** KEYS: head, batch0, block0, blockByHash. ARGV: batchFieldsJSON, blockJSON, blockHash. */
export const INIT_GENESIS = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'EXISTS' end
local fields = cjson.decode(ARGV[1])
for k, v in pairs(fields) do redis.call('HSET', KEYS[2], k, v) end
redis.call('SET', KEYS[3], ARGV[2])
redis.call('SET', KEYS[4], 0)
redis.call('HSET', KEYS[1], 'lastBatch', 0, 'lastClosedBatch', 0, 'lastVirtualBatch', 0, 'lastVerifiedBatch', 0, 'lastBlock', 0)
return 'OK'
`;

/** KEYS: head. ARGV: block key prefix. Read-only: the last L2 block's JSON, in one round trip. */
export const LATEST_BLOCK = `
local n = redis.call('HGET', KEYS[1], 'lastBlock')
if not n then return false end
return redis.call('GET', ARGV[1] .. n)
`;

/**
 * KEYS: head, forced. ARGV: forceBatchNum, forcedJSON. Records a forced batch not sequenced yet; a
 * repeat (redelivery, or the same batch seen again after an L1 reorg) keeps the first `seenAt`.
 */
export const PUT_FORCED = `
local n = tonumber(ARGV[1])
if n <= tonumber(redis.call('HGET', KEYS[1], 'lastForcedBatch') or '0') then return 'SEQUENCED' end
local fb = cjson.decode(ARGV[2])
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then fb['seenAt'] = cjson.decode(old)['seenAt'] end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(fb))
return 'OK'
`;
