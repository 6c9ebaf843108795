/**
 * Lua scripts of the pool DB. Every status transition is one script, so concurrent pool replicas
 * and the sequencer never see a transaction half-moved between indexes, and the counters always
 * match the indexes. ARGV[1] is always the key prefix (see keys.ts for the layout).
 *
 * Invariants kept by `resplit`: a sender's ZSET holds exactly its pending transactions; its
 * account hash holds how many of them are executable (gap-free from `nonce`) and queued, and
 * `head`, the executable lowest-nonce transaction, which alone is in the ready index.
 */
const LIB = `
local P = ARGV[1]
local function kTx(h) return P .. 'tx:' .. h end
local function kSender(a) return P .. 'sender:' .. a end
local function kAcct(a) return P .. 'acct:' .. a end
local kReady, kExpiry, kCounts, kBlocked = P .. 'ready', P .. 'expiry', P .. 'counts', P .. 'blocked'

-- executable and queued counts of a sender for account nonce n, optionally with one more nonce
local function split(entries, n, addNonce)
  local set, total = {}, 0
  for i = 2, #entries, 2 do
    local s = tonumber(entries[i])
    if s >= n then set[s] = true; total = total + 1 end
  end
  if addNonce ~= nil and not set[addNonce] then set[addNonce] = true; total = total + 1 end
  local p = 0
  while set[n + p] do p = p + 1 end
  return p, total - p
end

local function terminal(h, status, reason, now, retention)
  redis.call('HSET', kTx(h), 'status', status, 'reason', reason, 'updatedAt', now)
  redis.call('EXPIRE', kTx(h), retention)
end

-- after any change of a sender's ZSET or nonce: counts, ready head, account expiry
local function resplit(a, retention)
  local acct = kAcct(a)
  local n = tonumber(redis.call('HGET', acct, 'nonce') or '0')
  local oldP = tonumber(redis.call('HGET', acct, 'pending') or '0')
  local oldQ = tonumber(redis.call('HGET', acct, 'queued') or '0')
  local oldHead = redis.call('HGET', acct, 'head')
  local entries = redis.call('ZRANGE', kSender(a), 0, -1, 'WITHSCORES')
  local p, q = split(entries, n, nil)
  -- entries below n cannot exist: every nonce raise fails them first
  local head = false
  if p > 0 then head = entries[1] end
  if oldHead and oldHead ~= head then redis.call('ZREM', kReady, oldHead) end
  if head then
    if oldHead ~= head then
      redis.call('ZADD', kReady, tonumber(redis.call('HGET', kTx(head), 'gasPrice')), head)
      redis.call('HSET', acct, 'head', head)
    end
  elseif oldHead then
    redis.call('HDEL', acct, 'head')
  end
  if p ~= oldP then redis.call('HINCRBY', kCounts, 'pending', p - oldP) end
  if q ~= oldQ then redis.call('HINCRBY', kCounts, 'queued', q - oldQ) end
  redis.call('HSET', acct, 'pending', p, 'queued', q)
  if p + q == 0 then redis.call('EXPIRE', acct, retention) else redis.call('PERSIST', acct) end
end

-- raises the account nonce to n and fails the sender's pending transactions below it
local function raiseNonce(a, n, now, retention)
  redis.call('HSET', kAcct(a), 'nonce', n)
  local stale = redis.call('ZRANGEBYSCORE', kSender(a), '-inf', '(' .. n)
  for _, h in ipairs(stale) do
    terminal(h, 'failed', 'nonce too low', now, retention)
    redis.call('ZREM', kSender(a), h)
    redis.call('ZREM', kExpiry, h)
  end
end

-- decimal strings: a * k for a small integer k, and comparison
local function mulSmall(a, k)
  local out, carry = {}, 0
  for i = #a, 1, -1 do
    local d = tonumber(string.sub(a, i, i)) * k + carry
    out[#out + 1] = d % 10
    carry = math.floor(d / 10)
  end
  while carry > 0 do out[#out + 1] = carry % 10; carry = math.floor(carry / 10) end
  local s = {}
  for i = #out, 1, -1 do s[#s + 1] = out[i] end
  local r = string.gsub(table.concat(s), '^0+', '')
  if r == '' then return '0' end
  return r
end
local function geq(a, b)
  if #a ~= #b then return #a > #b end
  return a >= b
end
`;

/**
 * Admission. ARGV: prefix, hash, from, nonce, gasPrice, stateNonce, now, retentionSec,
 * accountPending, accountQueued, globalPending, globalQueued, priceBumpPercent, nonceWindow,
 * receivedAt, data (the rest of the record as one JSON string). Returns {'OK', replacedHash|''} or
 * {REJECTION, args...}; a rejection writes nothing.
 *
 * The common case (a new nonce of a known or new sender, no nonce raise, no replacement) updates
 * the counts and the ready head from what the checks already read, instead of a full resplit.
 */
export const ADD_TX = `${LIB}
local hash, from = ARGV[2], ARGV[3]
local nonce, price, stateNonce = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local now, retention = ARGV[7], tonumber(ARGV[8])
local accP, accQ, glP, glQ = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local bump, window, receivedAt = tonumber(ARGV[13]), tonumber(ARGV[14]), ARGV[15]

if redis.call('SISMEMBER', kBlocked, from) == 1 then return {'BLOCKED'} end
local t = kTx(hash)
local st = redis.call('HGET', t, 'status')
if st == 'pending' or st == 'selected' then return {'ALREADY_KNOWN'} end

local acct = kAcct(from)
local a = redis.call('HMGET', acct, 'nonce', 'pending', 'queued', 'head')
local stored = tonumber(a[1] or '-1')
local oldP, oldQ, oldHead = tonumber(a[2] or '0'), tonumber(a[3] or '0'), a[4]
local n = stored
if stateNonce > n then n = stateNonce end
if nonce < n then return {'NONCE_TOO_LOW', tostring(n)} end
if nonce >= n + window then return {'NONCE_TOO_HIGH', tostring(n), tostring(n + window - 1)} end

local existing = redis.call('ZRANGEBYSCORE', kSender(from), nonce, nonce)[1]
local entries, p, q
if existing then
  local old = redis.call('HGET', kTx(existing), 'gasPrice')
  if not geq(mulSmall(price, 100), mulSmall(old, 100 + bump)) then return {'REPLACEMENT_UNDERPRICED', existing, old} end
else
  entries = redis.call('ZRANGE', kSender(from), 0, -1, 'WITHSCORES')
  p, q = split(entries, n, nonce)
  if p > accP then return {'ACCOUNT_LIMIT', 'pending', tostring(accP)} end
  if q > accQ then return {'ACCOUNT_LIMIT', 'queued', tostring(accQ)} end
  local c = redis.call('HMGET', kCounts, 'pending', 'queued')
  local gp = tonumber(c[1] or '0') - oldP + p
  local gq = tonumber(c[2] or '0') - oldQ + q
  if gp > glP and p > oldP then return {'POOL_FULL', 'pending', tostring(glP)} end
  if gq > glQ and q > oldQ then return {'POOL_FULL', 'queued', tostring(glQ)} end
end

-- A sender unknown to the pool has no pending transactions: nothing can be stale.
local raised = stored >= 0 and n > stored
if raised then raiseNonce(from, n, now, retention) end
if existing then
  terminal(existing, 'failed', 'replaced by ' .. hash, now, retention)
  redis.call('ZREM', kSender(from), existing)
  redis.call('ZREM', kExpiry, existing)
end
if st then redis.call('DEL', t) end
redis.call('HSET', t, 'hash', hash, 'from', from, 'nonce', ARGV[4], 'gasPrice', price, 'receivedAt', receivedAt, 'data', ARGV[16],
  'status', 'pending', 'reason', '', 'updatedAt', now)
redis.call('ZADD', kSender(from), nonce, hash)
redis.call('ZADD', kExpiry, receivedAt, hash)
if raised or existing then
  resplit(from, retention)
else
  local head = false
  if p > 0 then
    if nonce == n then head = hash else head = entries[1] end
  end
  if oldHead and oldHead ~= head then redis.call('ZREM', kReady, oldHead) end
  if head and head ~= oldHead then
    local headPrice = price
    if head ~= hash then headPrice = redis.call('HGET', kTx(head), 'gasPrice') end
    redis.call('ZADD', kReady, tonumber(headPrice), head)
    redis.call('HSET', acct, 'nonce', n, 'pending', p, 'queued', q, 'head', head)
  else
    redis.call('HSET', acct, 'nonce', n, 'pending', p, 'queued', q)
  end
  if p ~= oldP then redis.call('HINCRBY', kCounts, 'pending', p - oldP) end
  if q ~= oldQ then redis.call('HINCRBY', kCounts, 'queued', q - oldQ) end
  if oldP + oldQ == 0 then redis.call('PERSIST', acct) end
end
return {'OK', existing or ''}
`;

/**
 * ARGV: prefix, now, retentionSec, then hashes. pending → selected for each, in order (a sender's
 * nonces ascending); each sender's nonce moves past its selected ones and its counts and ready
 * head are recomputed once at the end. Returns one entry per hash: 'OK', or the status it had
 * instead of pending ('unknown' when absent), in which case nothing of it changed.
 */
export const MARK_SELECTED = `${LIB}
local now, retention = ARGV[2], tonumber(ARGV[3])
local out, senders = {}, {}
for i = 4, #ARGV do
  local hash = ARGV[i]
  local t = kTx(hash)
  local rec = redis.call('HMGET', t, 'status', 'from', 'nonce')
  if rec[1] ~= 'pending' then
    out[#out + 1] = rec[1] or 'unknown'
  else
    local from, nonce = rec[2], tonumber(rec[3])
    redis.call('ZREM', kSender(from), hash)
    redis.call('ZREM', kExpiry, hash)
    terminal(hash, 'selected', '', now, retention)
    if nonce + 1 > tonumber(redis.call('HGET', kAcct(from), 'nonce') or '-1') then raiseNonce(from, nonce + 1, now, retention) end
    senders[from] = true
    out[#out + 1] = 'OK'
  end
end
for a, _ in pairs(senders) do resplit(a, retention) end
return out
`;

/** ARGV: prefix, hash, status (failed|invalid), reason, now, retentionSec. Only from pending. */
export const MARK_DONE = `${LIB}
local hash, status, reason, now, retention = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local t = kTx(hash)
local st = redis.call('HGET', t, 'status')
if st ~= 'pending' then return {'STATUS', st or 'unknown'} end
local from = redis.call('HGET', t, 'from')
redis.call('ZREM', kSender(from), hash)
redis.call('ZREM', kExpiry, hash)
terminal(hash, status, reason, now, retention)
resplit(from, retention)
return {'OK'}
`;

/**
 * ARGV: prefix, hash, now, retentionSec. selected → pending, for a sequencer that selected a
 * transaction but did not keep it (e.g. its batch was rebuilt without it).
 */
export const RELEASE = `${LIB}
local hash, now, retention = ARGV[2], ARGV[3], tonumber(ARGV[4])
local t = kTx(hash)
local st = redis.call('HGET', t, 'status')
if st ~= 'selected' then return {'STATUS', st or 'unknown'} end
local from = redis.call('HGET', t, 'from')
local nonce = tonumber(redis.call('HGET', t, 'nonce'))
if redis.call('ZRANGEBYSCORE', kSender(from), nonce, nonce)[1] then return {'CONFLICT'} end
redis.call('HSET', t, 'status', 'pending', 'reason', '', 'updatedAt', now)
redis.call('PERSIST', t)
redis.call('ZADD', kSender(from), nonce, hash)
redis.call('ZADD', kExpiry, redis.call('HGET', t, 'receivedAt'), hash)
if nonce < tonumber(redis.call('HGET', kAcct(from), 'nonce') or '0') then redis.call('HSET', kAcct(from), 'nonce', nonce) end
resplit(from, retention)
return {'OK'}
`;

/** ARGV: prefix, address, nonce, now, retentionSec. Raises the account nonce (state moved on). */
export const SET_ACCOUNT_NONCE = `${LIB}
local a, n, now, retention = ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
if n <= tonumber(redis.call('HGET', kAcct(a), 'nonce') or '-1') then return {'OK'} end
raiseNonce(a, n, now, retention)
resplit(a, retention)
return {'OK'}
`;

/** ARGV: prefix, receivedBefore, now, retentionSec, maxCount. Fails pending txs received before the cut. */
export const EXPIRE_OLD = `${LIB}
local cut, now, retention, maxCount = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local old = redis.call('ZRANGEBYSCORE', kExpiry, '-inf', '(' .. cut, 'LIMIT', 0, maxCount)
local senders = {}
for _, h in ipairs(old) do
  local from = redis.call('HGET', kTx(h), 'from')
  redis.call('ZREM', kExpiry, h)
  if from then
    redis.call('ZREM', kSender(from), h)
    terminal(h, 'failed', 'expired', now, retention)
    senders[from] = true
  end
end
for a, _ in pairs(senders) do resplit(a, retention) end
return #old
`;

/**
 * ARGV: prefix, maxSenders, perSender. The best executable heads by gas price, each followed by
 * up to perSender-1 gap-free successors: { {fields...}, {fields...} } per sender, best first.
 */
export const CANDIDATES = `${LIB}
local maxSenders, perSender = tonumber(ARGV[2]), tonumber(ARGV[3])
local heads = redis.call('ZREVRANGE', kReady, 0, maxSenders - 1)
local out = {}
for _, head in ipairs(heads) do
  local from = redis.call('HGET', kTx(head), 'from')
  local nonce = tonumber(redis.call('HGET', kTx(head), 'nonce'))
  local entries = redis.call('ZRANGEBYSCORE', kSender(from), nonce, nonce + perSender - 1, 'WITHSCORES')
  local group = {}
  for i = 1, #entries, 2 do
    if tonumber(entries[i + 1]) ~= nonce + (i - 1) / 2 then break end
    group[#group + 1] = redis.call('HGETALL', kTx(entries[i]))
  end
  out[#out + 1] = group
end
return out
`;

/** ARGV: prefix, address, stateNonce. The next nonce after the sender's gap-free pending txs. */
export const PENDING_NONCE = `${LIB}
local a, sn = ARGV[2], tonumber(ARGV[3])
local n = tonumber(redis.call('HGET', kAcct(a), 'nonce') or '-1')
if sn > n then n = sn end
local entries = redis.call('ZRANGEBYSCORE', kSender(a), n, '+inf', 'WITHSCORES')
local next = n
for i = 2, #entries, 2 do
  if tonumber(entries[i]) ~= next then break end
  next = next + 1
end
return next
`;

/**
 * ARGV: prefix, maxTxs, perSender, n, then n pairs (address, nonce). Like CANDIDATES, but each
 * listed sender's run starts at the given nonce instead of its head: the sequencer passes the
 * nonces after its transactions executed but not marked selected yet, so the reply holds the next
 * ones only. Senders are taken in ready order (a page of heads at a time) until maxTxs are found.
 */
export const CANDIDATES_FROM = `${LIB}
local maxTxs, perSender, n = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local from = {}
for i = 1, n do from[ARGV[3 + 2 * i]] = tonumber(ARGV[4 + 2 * i]) end
local out, total, offset = {}, 0, 0
while total < maxTxs do
  local heads = redis.call('ZREVRANGE', kReady, offset, offset + 99)
  if #heads == 0 then break end
  for _, head in ipairs(heads) do
    local rec = redis.call('HMGET', kTx(head), 'from', 'nonce')
    local start = tonumber(rec[2])
    local skip = from[rec[1]]
    if skip and skip > start then start = skip end
    local entries = redis.call('ZRANGEBYSCORE', kSender(rec[1]), start, start + perSender - 1, 'WITHSCORES')
    local group = {}
    for i = 1, #entries, 2 do
      if tonumber(entries[i + 1]) ~= start + (i - 1) / 2 then break end
      group[#group + 1] = redis.call('HGETALL', kTx(entries[i]))
    end
    if #group > 0 then
      out[#out + 1] = group
      total = total + #group
      if total >= maxTxs then break end
    end
  end
  offset = offset + 100
end
return out
`;
