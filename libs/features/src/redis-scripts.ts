/**
 * The Redis side of the stream: two Lua scripts, each atomic for one customer (or one live
 * session) and idempotent: an op whose event id is already in one of the key's `seen` sets
 * changes nothing. Every key of a customer carries the hash tag {c:<id>} (a session's {s:<id>}), so
 * the scripts run unchanged on Redis Cluster.
 *
 * The hash fields are named in redis-layout.ts and interpolated here; day buckets are kept for
 * the BUCKET_RETENTION_DAYS behind the newest day.
 *
 * Applied event ids of a customer are kept in one set per generation of the dedupe horizon
 * (seen:<floor(now / horizon)>): a script checks the current and the previous generation and
 * adds to the current one, which expires two horizons after its last addition. So an id is
 * remembered for at least one horizon and at most two, at the price of set operations (a
 * sorted set by time, trimmed on every call, cost three times as much).
 */

import {
  CUSTOMER_FIELDS,
  DAY_BUCKET_KIND_LETTERS,
  DAY_BUCKET_KINDS,
  DAY_BUCKET_SEPARATOR,
  DEVICE_FIELD_PREFIX,
  SESSION_FIELDS,
} from './redis-layout';

const C = CUSTOMER_FIELDS;
const S = SESSION_FIELDS;
const B = DAY_BUCKET_KINDS;

/**
 * Lua helpers shared by both scripts. Redis calls are few and batched: one TYPE per key checks
 * that nothing else wrote it, one SMISMEMBER per seen set finds the ops already applied, one
 * SADD (the last write) records the new ones, one HMGET and one HSET
 * update every touched hash field, and long argument lists go in chunks (Lua's unpack has a stack limit).
 */
const COMMON = `
local function chunked(command, key, args, step)
  local total = 0
  for i = 1, #args, step do
    local last = math.min(i + step - 1, #args)
    local reply = redis.call(command, key, unpack(args, i, last))
    if type(reply) == 'number' then total = total + reply end
  end
  return total
end

-- The ops whose event id is in none of the seen sets (nor earlier in this call), and their ids
-- (for mark_seen).
local function fresh_ops(seen_sets, ops)
  local ids = {}
  for i, op in ipairs(ops) do ids[i] = op[2] end
  local known = {}
  for _, seen in ipairs(seen_sets) do
    for i = 1, #ids, 1000 do
      local last = math.min(i + 999, #ids)
      local flags = redis.call('SMISMEMBER', seen, unpack(ids, i, last))
      for j, flag in ipairs(flags) do
        if flag == 1 then known[i + j - 1] = true end
      end
    end
  end
  local fresh, added, new_ids = {}, {}, {}
  for i, op in ipairs(ops) do
    local id = op[2]
    if not known[i] and not added[id] then
      added[id] = true
      fresh[#fresh + 1] = op
      new_ids[#new_ids + 1] = id
    end
  end
  return fresh, new_ids
end

-- Records the applied ops' ids in the seen set, which expires after ttl seconds. The last
-- write of a script: an error before it leaves no op marked applied without its effects, so
-- a retry applies it in full.
local function mark_seen(seen, ids, ttl)
  if #ids > 0 then
    chunked('SADD', seen, ids, 1000)
    redis.call('EXPIRE', seen, ttl)
  end
end

-- Fails before anything is written when a key holds another type than the script expects
-- (written by something else): the error names the key, and nothing is half applied.
local function wrong_type(keys, types)
  for i, key in ipairs(keys) do
    local t = redis.call('TYPE', key)['ok']
    if t ~= 'none' and t ~= types[i] then
      return redis.error_reply('key ' .. key .. ' holds a ' .. t .. ', not a ' .. types[i])
    end
  end
  return nil
end

local function add(acc, field, by)
  acc[field] = (acc[field] or 0) + by
end

-- One HMGET of the fields read (state) and added to (acc), then one HSET of their new
-- values and of the fields set outright (put): a field costs no call of its own.
local function read_hash(h, state_fields, acc)
  local names = {}
  for _, f in ipairs(state_fields) do names[#names + 1] = f end
  local added = {}
  for f in pairs(acc) do
    names[#names + 1] = f
    added[#added + 1] = f
  end
  local values = redis.call('HMGET', h, unpack(names))
  local state = {}
  for i, f in ipairs(state_fields) do state[f] = tonumber(values[i]) end
  local current = {}
  for i, f in ipairs(added) do current[f] = tonumber(values[#state_fields + i]) or 0 end
  return state, current
end

-- Appends a field and its value to a list for write_hash, unless the value is nil (a nil
-- inside a Lua list would cut it short).
local function put_if(list, field, value)
  if value ~= nil then
    list[#list + 1] = field
    list[#list + 1] = value
  end
end

local function write_hash(h, acc, current, put)
  local args = {}
  for f, by in pairs(acc) do
    if by ~= 0 then
      args[#args + 1] = f
      args[#args + 1] = current[f] + by
    end
  end
  for i = 1, #put, 2 do
    args[#args + 1] = put[i]
    args[#args + 1] = put[i + 1]
  end
  if #args > 0 then chunked('HSET', h, args, 2000) end
end
`;

/**
 * KEYS: hash, seen of this generation, seen of the previous one, products (set), orders (set
 * of transaction ids), carted (sessions with an add to cart), bought (sessions with a
 * purchase). ARGV: now ms, seen ttl seconds, bucket retention days, JSON array of CustomerOp
 * tuples, prune period days.
 * Returns the number of ops applied (the rest were duplicates). The end state is the one the
 * ops would give applied one by one, in any order.
 */
export const CUSTOMER_SCRIPT = `${COMMON}
local h, products, orders, carted, bought = KEYS[1], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local now = tonumber(ARGV[1])
local seen_ttl = tonumber(ARGV[2])
local retain = tonumber(ARGV[3])
local prune_every = tonumber(ARGV[5])
local bad = wrong_type(KEYS, { 'hash', 'set', 'set', 'set', 'set', 'set', 'set' })
if bad then return bad end
local ops, new_ids = fresh_ops({ KEYS[2], KEYS[3] }, cjson.decode(ARGV[4]))
if #ops == 0 then return 0 end

-- This call's own newest day and time, earliest registration and sale times.
local b_dmax, b_last, b_reg, b_first_o, b_last_o = nil, nil, nil, nil, nil
local acc, days = {}, {}
-- Day buckets of this call: days[day][kind] = amount (kind ${B.orders}, ${B.revenueCents}, ${B.sessions} or ${B.pageViews}).
local function on_day(day, kind, by)
  local bucket = days[day]
  if bucket == nil then
    bucket = {}
    days[day] = bucket
  end
  bucket[kind] = (bucket[kind] or 0) + by
end
local sales, txs, new_products = {}, {}, {}
local cart_ops, buy_ops, sessions = {}, {}, {}

for _, op in ipairs(ops) do
  local kind, ms = op[1], op[3]
  local day = math.floor(ms / 86400000)
  if b_dmax == nil or day > b_dmax then b_dmax = day end
  if b_last == nil or ms > b_last then b_last = ms end
  if kind == 'c' then
    if b_reg == nil or op[4] < b_reg then b_reg = op[4] end
  elseif kind == 'o' then
    if op[6] == 1 then
      sales[#sales + 1] = op
      txs[#txs + 1] = op[4]
    end
  elseif kind == 's' then
    add(acc, '${C.sessions}', 1)
    add(acc, '${C.sessionSeconds}', op[4])
    add(acc, '${C.bounces}', op[5])
    add(acc, '${C.engagementHundredths}', op[6])
    add(acc, '${DEVICE_FIELD_PREFIX}' .. op[7], 1)
    on_day(day, '${B.sessions}', 1)
  elseif kind == 'p' then
    add(acc, '${C.pageViews}', 1)
    on_day(day, '${B.pageViews}', 1)
    if op[4] ~= '' then new_products[#new_products + 1] = op[4] end
  elseif kind == 'i' then
    if op[4] == 'add_to_cart' then
      add(acc, '${C.addToCarts}', 1)
      cart_ops[op[5]] = true
      sessions[op[5]] = true
    elseif op[4] == 'purchase' then
      add(acc, '${C.purchases}', 1)
      buy_ops[op[5]] = true
      sessions[op[5]] = true
    end
  elseif kind == 'x' then
    add(acc, '${C.productInteractions}', 1)
    new_products[#new_products + 1] = op[4]
  elseif kind == 'q' then
    add(acc, '${C.searches}', 1)
  else
    return redis.error_reply('unknown customer op kind ' .. tostring(kind))
  end
end

-- Sales: each transaction id once, ever.
if #txs > 0 then
  local member = {}
  for i = 1, #txs, 1000 do
    local last_i = math.min(i + 999, #txs)
    local flags = redis.call('SMISMEMBER', orders, unpack(txs, i, last_i))
    for j, flag in ipairs(flags) do member[i + j - 1] = flag == 1 end
  end
  local counted, fresh_txs = {}, {}
  for i, op in ipairs(sales) do
    local tx, ms = op[4], op[3]
    if not member[i] and not counted[tx] then
      counted[tx] = true
      fresh_txs[#fresh_txs + 1] = tx
      add(acc, '${C.orders}', 1)
      add(acc, '${C.revenueCents}', op[5])
      if b_first_o == nil or ms < b_first_o then b_first_o = ms end
      if b_last_o == nil or ms > b_last_o then b_last_o = ms end
      local day = math.floor(ms / 86400000)
      on_day(day, '${B.orders}', 1)
      on_day(day, '${B.revenueCents}', op[5])
    end
  end
  if #fresh_txs > 0 then chunked('SADD', orders, fresh_txs, 1000) end
end

-- Distinct products: SADD says how many were new.
if #new_products > 0 then add(acc, '${C.uniqueProducts}', chunked('SADD', products, new_products, 1000)) end

-- Sessions with an add to cart, and those of them with a purchase, each counted once.
local list = {}
for s in pairs(sessions) do list[#list + 1] = s end
if #list > 0 then
  local in_cart = redis.call('SMISMEMBER', carted, unpack(list))
  local in_bought = redis.call('SMISMEMBER', bought, unpack(list))
  local add_cart, add_bought = {}, {}
  for i, s in ipairs(list) do
    local c0, b0 = in_cart[i] == 1, in_bought[i] == 1
    local c1, b1 = c0 or cart_ops[s] == true, b0 or buy_ops[s] == true
    if c1 and not c0 then
      add(acc, '${C.cartSessions}', 1)
      add_cart[#add_cart + 1] = s
    end
    if b1 and not b0 then add_bought[#add_bought + 1] = s end
    if c1 and b1 and not (c0 and b0) then add(acc, '${C.cartSessionsConverted}', 1) end
  end
  if #add_cart > 0 then redis.call('SADD', carted, unpack(add_cart)) end
  if #add_bought > 0 then redis.call('SADD', bought, unpack(add_bought)) end
end

-- One read of the stored state, the counters and the day buckets touched; the stored newest
-- day decides which buckets are kept: none older than the retention behind the newest event.
local touched, bucket_day = {}, {}
for f, by in pairs(acc) do touched[f] = by end
for day, bucket in pairs(days) do
  local suffix = '${DAY_BUCKET_SEPARATOR}' .. day
  for kind, by in pairs(bucket) do
    local field = kind .. suffix
    touched[field] = by
    bucket_day[field] = day
  end
end
local stored, current = read_hash(h, { '${C.newestDay}', '${C.lastEventMs}', '${C.registeredMs}', '${C.firstOrderMs}', '${C.lastOrderMs}', '${C.updatedMs}' }, touched)
local old_dmax = stored.${C.newestDay}
local dmax = b_dmax
if old_dmax ~= nil and old_dmax > dmax then dmax = old_dmax end
-- Buckets older than the retention behind the newest day are deleted when that day enters a
-- new prune period (readers ignore the few that wait for it): one HKEYS per period, rather
-- than one look per day, as a replay of a long history would otherwise pay.
if old_dmax ~= nil and math.floor(dmax / prune_every) > math.floor(old_dmax / prune_every) then
  local cutoff = dmax - retain
  local gone = {}
  for _, field in ipairs(redis.call('HKEYS', h)) do
    local day = tonumber(string.match(field, '^[${DAY_BUCKET_KIND_LETTERS}]${DAY_BUCKET_SEPARATOR}(%-?%d+)$'))
    if day ~= nil and day < cutoff then gone[#gone + 1] = field end
  end
  if #gone > 0 then chunked('HDEL', h, gone, 1000) end
end
for field, day in pairs(bucket_day) do
  if day >= dmax - retain then acc[field] = touched[field] end
end

local function min(a, b) if a == nil then return b elseif b == nil then return a elseif b < a then return b else return a end end
local function max(a, b) if a == nil then return b elseif b == nil then return a elseif b > a then return b else return a end end
-- The write's version: processing time, but always after the previous write's, so that each
-- state of a customer has its own (predictions are keyed by it), whatever the writers' clocks.
local version = max(now, (stored.${C.updatedMs} or 0) + 1)
local put = { '${C.newestDay}', dmax, '${C.lastEventMs}', max(stored.${C.lastEventMs}, b_last), '${C.updatedMs}', version }
put_if(put, '${C.registeredMs}', min(stored.${C.registeredMs}, b_reg))
put_if(put, '${C.firstOrderMs}', min(stored.${C.firstOrderMs}, b_first_o))
put_if(put, '${C.lastOrderMs}', max(stored.${C.lastOrderMs}, b_last_o))
write_hash(h, acc, current, put)
mark_seen(KEYS[2], new_ids, seen_ttl)
return #ops
`;

/**
 * KEYS: session hash, seen (set of applied event ids). ARGV: now ms, ttl seconds, customer id
 * ('' when anonymous), JSON array of SessionOp tuples. Both keys expire ttl after the
 * session's last change. Returns the number of ops applied.
 */
export const SESSION_SCRIPT = `${COMMON}
local h, seen = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local bad = wrong_type(KEYS, { 'hash', 'set' })
if bad then return bad end
local ops, new_ids = fresh_ops({ seen }, cjson.decode(ARGV[4]))
if #ops == 0 then return 0 end
local acc = {}
local b_first, b_last, b_depth, b_page = nil, nil, 0, nil
local ended = false
for _, op in ipairs(ops) do
  local kind, ms = op[1], op[3]
  if b_first == nil or ms < b_first then b_first = ms end
  if b_last == nil or ms > b_last then b_last = ms end
  if kind == 'p' then
    add(acc, '${S.pages}', 1)
    if op[4] > b_depth then
      b_depth = op[4]
      b_page = op[5]
    end
  elseif kind == 'i' then
    if op[4] == 'add_to_cart' then add(acc, '${S.cartAdds}', 1)
    elseif op[4] == 'purchase' then add(acc, '${S.purchases}', 1) end
  elseif kind == 'q' then
    add(acc, '${S.searches}', 1)
  elseif kind == 'e' then
    ended = true
  else
    return redis.error_reply('unknown session op kind ' .. tostring(kind))
  end
end
local state, current = read_hash(h, { '${S.firstEventMs}', '${S.lastEventMs}', '${S.depth}' }, acc)
local first, last, depth = state.${S.firstEventMs}, state.${S.lastEventMs}, state.${S.depth} or 0
if first == nil or b_first < first then first = b_first end
if last == nil or b_last > last then last = b_last end
local put = { '${S.firstEventMs}', first, '${S.lastEventMs}', last, '${S.updatedMs}', now }
if b_depth > depth then
  put[#put + 1] = '${S.depth}'; put[#put + 1] = b_depth
  put[#put + 1] = '${S.lastPageType}'; put[#put + 1] = b_page
end
if ended then put[#put + 1] = '${S.ended}'; put[#put + 1] = 1 end
if ARGV[3] ~= '' then put[#put + 1] = '${S.customerId}'; put[#put + 1] = ARGV[3] end
write_hash(h, acc, current, put)
redis.call('EXPIRE', h, ttl)
mark_seen(seen, new_ids, ttl)
return #ops
`;
