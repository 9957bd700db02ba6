import { LuaScript } from '../connection/lua-script.js';

/**
 * Applies one change atomically: writes the entry, bumps the version, appends the audit entry and
 * publishes `{version, epoch, field, value}` in the same script, so the log, the state and the message
 * can never disagree and subscribers see changes in version order.
 *
 * KEYS: state hash, audit stream.
 * ARGV: field, value JSON ('' removes), action ('' derives it), actor, reason, has-reason (1/0), at,
 *       target, audit max length, channel, epoch for a new hash.
 */
export const applyChangeScript = new LuaScript(`
local function override_action(before, after)
  if after == '' then return 'clear-override' end
  local ok, b = pcall(cjson.decode, before or 'null')
  if not ok or type(b) ~= 'table' then b = {} end
  local a = cjson.decode(after)
  if a.enabled ~= nil and a.enabled ~= b.enabled then
    if a.enabled then return 'enable' else return 'disable' end
  end
  if a.percentage ~= nil and a.percentage ~= b.percentage then return 'set-percentage' end
  return 'set-override'
end
local field, value = ARGV[1], ARGV[2]
local before = redis.call('HGET', KEYS[1], field)
redis.call('HSETNX', KEYS[1], 'e', ARGV[11])
if value == '' then redis.call('HDEL', KEYS[1], field) else redis.call('HSET', KEYS[1], field, value) end
local epoch = redis.call('HGET', KEYS[1], 'e')
local version = redis.call('HINCRBY', KEYS[1], 'v', 1)
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
 *       then field / value JSON pairs.
 */
export const restoreScript = new LuaScript(`
local epoch = redis.call('HGET', KEYS[1], 'e')
if epoch == ARGV[1] then return {0, epoch} end
if not epoch then
  redis.call('HSET', KEYS[1], 'e', ARGV[2])
  epoch = ARGV[2]
end
local restored = {}
for i = 7, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then table.insert(restored, ARGV[i]) end
end
if #restored == 0 then return {0, epoch} end
local version = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'at', ARGV[4], 'actor', ARGV[5], 'action', 'restore',
  'target', '*', 'before', 'null', 'after', cjson.encode(restored), 'reason', 'Redis lost the live state; restored from a running instance')
redis.call('PUBLISH', ARGV[3], '{"version":' .. version .. ',"epoch":' .. cjson.encode(epoch) .. ',"resync":true}')
return {version, epoch}
`);
