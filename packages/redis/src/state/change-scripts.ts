import { LuaScript } from '../connection/lua-script.js';

/**
 * Applies one change atomically: appends the audit entry, writes the entry, bumps the version and
 * publishes `{version, epoch, field, value}` in the same script, so the log, the state and the message
 * can never disagree and subscribers see changes in version order. The audit entry is appended before
 * any state write: a script that fails part-way keeps its earlier writes, so a failed append changes nothing.
 *
 * KEYS: state hash, audit stream.
 * ARGV: field, value JSON ('' removes), action ('' derives it), actor, reason, has-reason (1/0), at,
 *       target, audit max length, channel, epoch for a new hash, then the action names the derivation
 *       gives (core's AUDIT_ACTIONS, so they are spelled once): clear-override, enable, disable,
 *       set-percentage, set-override.
 */
export const applyChangeScript = new LuaScript(`
local function override_action(before, after)
  if after == '' then return ARGV[12] end
  local ok, b = pcall(cjson.decode, before or 'null')
  if not ok or type(b) ~= 'table' then b = {} end
  local a = cjson.decode(after)
  if a.enabled ~= nil and a.enabled ~= b.enabled then
    if a.enabled then return ARGV[13] else return ARGV[14] end
  end
  if a.percentage ~= nil and a.percentage ~= b.percentage then return ARGV[15] end
  return ARGV[16]
end
local field, value = ARGV[1], ARGV[2]
-- Reads and checks first, then the audit entry, then the state: Redis does not undo a script's earlier
-- writes when a later command fails, so a failing XADD must come before any write to the state.
local before = redis.call('HGET', KEYS[1], field)
local epoch = redis.call('HGET', KEYS[1], 'e') or ARGV[11]
local current = redis.call('HGET', KEYS[1], 'v') or '0'
if not string.match(current, '^%d+$') then
  return redis.error_reply('live state version ' .. current .. ' in ' .. KEYS[1] .. ' is not a non-negative integer')
end
local version = tonumber(current) + 1
local action = ARGV[3]
if action == '' then action = override_action(before, value) end
local after = value
if after == '' then after = 'null' end
local entry = {'at', ARGV[7], 'actor', ARGV[4], 'action', action, 'target', ARGV[8], 'before', before or 'null', 'after', after}
if ARGV[6] == '1' then
  table.insert(entry, 'reason')
  table.insert(entry, ARGV[5])
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[9], '*', unpack(entry))
redis.call('HSETNX', KEYS[1], 'e', epoch)
if value == '' then redis.call('HDEL', KEYS[1], field) else redis.call('HSET', KEYS[1], field, value) end
redis.call('HSET', KEYS[1], 'v', version)
redis.call('PUBLISH', ARGV[10], '{"version":' .. version .. ',"epoch":' .. cjson.encode(epoch) ..
  ',"field":' .. cjson.encode(field) .. ',"value":' .. after .. '}')
return {version, epoch, id}
`);

/**
 * Writes a process's last known entries back into a Redis that lost them (restart without persistence,
 * flush): only fields the server does not have, so changes made since the loss win. Publishes a resync
 * message when anything was restored.
 *
 * KEYS: state hash, audit stream.
 * ARGV: epoch the process knew, epoch for a new hash, channel, at, actor, audit max length,
 *       the audit action ('restore'), then field / value JSON pairs.
 */
export const restoreScript = new LuaScript(`
local epoch = redis.call('HGET', KEYS[1], 'e')
if epoch == ARGV[1] then return {0, epoch} end
-- Which fields to restore is decided read-only, so the audit entry goes in before any write (see above).
local restored = {}
for i = 8, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then table.insert(restored, i) end
end
if #restored == 0 then
  if not epoch then
    redis.call('HSET', KEYS[1], 'e', ARGV[2])
    epoch = ARGV[2]
  end
  return {0, epoch}
end
local names = {}
for _, i in ipairs(restored) do table.insert(names, ARGV[i]) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'at', ARGV[4], 'actor', ARGV[5], 'action', ARGV[7],
  'target', '*', 'before', 'null', 'after', cjson.encode(names), 'reason', 'Redis lost the live state; restored from a running instance')
if not epoch then
  redis.call('HSET', KEYS[1], 'e', ARGV[2])
  epoch = ARGV[2]
end
for _, i in ipairs(restored) do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
local version = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('PUBLISH', ARGV[3], '{"version":' .. version .. ',"epoch":' .. cjson.encode(epoch) .. ',"resync":true}')
return {version, epoch}
`);
